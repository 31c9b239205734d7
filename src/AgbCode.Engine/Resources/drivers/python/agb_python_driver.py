"""AgbCode Python kernel: IPython's InteractiveShell behind the engine's JSON-lines protocol (docs/protocol.md).

User code gets fresh pipes as fd 1 and 2 (inherited by the processes it starts), relayed by the driver, and /dev/null as
stdin; Python-level sys.stdout / sys.stderr send text straight to the engine, so prints keep their order with results.
"""
import os
import sys

sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # the drivers folder: agb_protocol
import agb_protocol as protocol                                             # noqa: E402

protocol.take_channels()
_out_r, _out_w = os.pipe()
_err_r, _err_w = os.pipe()
os.dup2(_out_w, 1)
os.dup2(_err_w, 2)
os.close(_out_w)
os.close(_err_w)

import base64      # noqa: E402
import io          # noqa: E402
import linecache   # noqa: E402
import signal      # noqa: E402
import threading   # noqa: E402
import time        # noqa: E402

from agb_protocol import Run, send, emit_stream, emit_rich   # noqa: E402


class ProtocolStream(io.TextIOBase):
    """sys.stdout / sys.stderr: text goes to the engine a line at a time, or within 50 ms."""

    def __init__(self, name, fd):
        super().__init__()
        self.name = name
        self._fd = fd
        self._lock = threading.Lock()
        self._parts = []
        self._size = 0

    encoding = "utf-8"
    errors = "strict"

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            with self._lock:
                self._parts.append(text)
                self._size += len(text)
            if "\n" in text or self._size > 8192:
                self.flush()
            else:
                Flusher.poke()
        return len(text)

    def flush(self):
        with self._lock:
            text = "".join(self._parts)
            self._parts.clear()
            self._size = 0
            if text:
                for relay in relays:   # what child processes wrote before this text goes out first
                    relay.drain()
                emit_stream(self.name, text)

    @property
    def buffer(self):
        return _RawWriter(self)


class _RawWriter(io.RawIOBase):
    """sys.stdout.buffer: bytes go to the fd pipe, after any text written before them."""

    def __init__(self, stream):
        super().__init__()
        self._stream = stream

    def writable(self):
        return True

    def write(self, data):
        self._stream.flush()
        return os.write(self._stream.fileno(), data)

    def fileno(self):
        return self._stream.fileno()


class Flusher:
    _event = threading.Event()
    streams = []

    @classmethod
    def poke(cls):
        cls._event.set()

    @classmethod
    def loop(cls):
        while True:
            cls._event.wait()
            cls._event.clear()
            time.sleep(0.05)
            for stream in cls.streams:
                stream.flush()


relays = [protocol.FdRelay(_out_r, "stdout"), protocol.FdRelay(_err_r, "stderr")]
stdout = ProtocolStream("stdout", 1)
stderr = ProtocolStream("stderr", 2)
Flusher.streams = [stdout, stderr]
sys.stdout = sys.__stdout__ = stdout
sys.stderr = sys.__stderr__ = stderr
threading.Thread(target=Flusher.loop, daemon=True).start()


def flush_all():
    for stream in Flusher.streams:
        stream.flush()
    for relay in relays:
        relay.drain()


# ---- IPython -------------------------------------------------------------------------------------------------------

os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
sys.path[0] = ""   # like a notebook: imports resolve in the working directory



def defer_ipython_package():
    """IPython's package __init__ imports the terminal shell (prompt_toolkit) and the completer imports jedi: about
    two thirds of a cold start (python3 -X importtime), and the kernel uses neither. The package is registered without
    running its __init__ (IPython's own modules only take get_ipython from it); user code that reaches for anything
    else on it (IPython.__version__, IPython.embed) runs the real __init__ then. jedi is hidden only while the shell
    loads, so user code can still import it."""
    import importlib.util
    spec = importlib.util.find_spec("IPython")
    package = importlib.util.module_from_spec(spec)

    def complete(name):
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = complete
    sys.modules["IPython"] = package
    from IPython.core.getipython import get_ipython
    package.get_ipython = get_ipython
    sys.modules["jedi"] = None


defer_ipython_package()
from traitlets.config import Config                          # noqa: E402
from IPython.core.interactiveshell import InteractiveShell   # noqa: E402
from IPython.core.displayhook import DisplayHook             # noqa: E402
from IPython.core.displaypub import DisplayPublisher         # noqa: E402
import IPython.core.interactiveshell as ipython_shell          # noqa: E402


def jsonable(bundle):
    return {mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for mime, value in bundle.items()}


class AgbDisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        flush_all()
        emit_rich({"type": "display_data", "data": jsonable(data), "metadata": metadata or {}})

    def clear_output(self, wait=False):
        pass


JSON_LIMIT = 1 << 20   # a value whose JSON is larger is shown as text only
NOT_PLAIN = object()


def plain_data(value, depth=0):
    """The value as JSON data when it is plain data (dict, list, tuple, str, numbers, bool, None; pandas frames as
    records), else NOT_PLAIN."""
    if depth > 32:
        return NOT_PLAIN
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else NOT_PLAIN
    if isinstance(value, (list, tuple)):
        items = [plain_data(item, depth + 1) for item in value]
        return NOT_PLAIN if any(item is NOT_PLAIN for item in items) else items
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return NOT_PLAIN
        items = {key: plain_data(item, depth + 1) for key, item in value.items()}
        return NOT_PLAIN if any(item is NOT_PLAIN for item in items.values()) else items
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, (pandas.DataFrame, pandas.Series)):
        return pandas_data(pandas, value)
    return NOT_PLAIN


def pandas_data(pandas, value):
    """A DataFrame as records (a list of row objects; an index of its own, as after groupby, becomes columns first);
    a Series as a list, or as an object keyed by its index when it has one of its own."""
    import json
    own_index = not (isinstance(value.index, pandas.RangeIndex) and value.index.start == 0 and value.index.step == 1)
    try:
        if isinstance(value, pandas.DataFrame):
            text = (value.reset_index() if own_index else value).to_json(orient="records", date_format="iso")
        else:
            text = value.to_json(orient="index" if own_index else "records", date_format="iso")
        return json.loads(text)
    except (ValueError, TypeError, OverflowError):
        return NOT_PLAIN


def json_of(value):
    """application/json for a plain value within JSON_LIMIT, else None."""
    import json
    data = plain_data(value)
    if data is NOT_PLAIN:
        return None
    try:
        size = len(json.dumps(data, ensure_ascii=False, allow_nan=False))
    except (ValueError, RecursionError):
        return None
    return data if size <= JSON_LIMIT else None


class AgbDisplayHook(DisplayHook):
    def compute_format_data(self, result):
        format_dict, md_dict = super().compute_format_data(result)
        if "application/json" not in format_dict:
            data = json_of(result)
            if data is not None:
                format_dict["application/json"] = data
        return format_dict, md_dict

    def start_displayhook(self):
        self._bundle = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self._bundle = format_dict

    def finish_displayhook(self):
        if self._bundle:
            flush_all()
            emit_rich({"type": "execute_result", "execution_count": self.prompt_count, "data": jsonable(self._bundle)})
        self._bundle = None


class AgbShell(InteractiveShell):
    def enable_gui(self, gui=None):
        pass

    def _showtraceback(self, etype, evalue, stb):
        flush_all()
        emit_rich({"type": "error", "ename": getattr(etype, "__name__", str(etype)), "evalue": str(evalue),
                   "traceback": list(stb)})

    def ask_exit(self):
        pass   # `exit` in a cell must not end the kernel

    def showtraceback(self, exc_tuple=None, *args, **kwargs):
        failure = (exc_tuple or sys.exc_info())[1]
        if isinstance(failure, SystemExit):
            exit_message(failure)   # an exit is the program's verdict, not an error: execute() reports its code
            return
        super().showtraceback(exc_tuple, *args, **kwargs)


def exit_message(failure):
    """sys.exit("text") prints the text to stderr, as Python does when it exits with it (code 1)."""
    if failure.code is not None and not isinstance(failure.code, int):
        stderr.write(f"{failure.code}\n")


def exit_code(failure):
    """The status `python3 x.py` would exit with after this SystemExit."""
    code = failure.code
    return 0 if code is None else int(code) & 0xFF if isinstance(code, int) else 1


def _warn_unless_exit_hint(message, *args, **kwargs):
    """IPython answers SystemExit with "To exit: use 'exit', 'quit', or Ctrl-D.": not for a script that exits."""
    if not str(message).startswith("To exit: use"):
        _ipython_warn(message, *args, **kwargs)


_ipython_warn = ipython_shell.warn
ipython_shell.warn = _warn_unless_exit_hint


def no_input(*args, **kwargs):
    raise EOFError("input() is not available: code runs without an interactive stdin")


config = Config()
config.HistoryManager.enabled = False
config.InteractiveShell.colors = "NoColor"
config.InteractiveShell.autocall = 0
config.InteractiveShell.xmode = "Plain"
shell = AgbShell.instance(config=config, displayhook_class=AgbDisplayHook, display_pub_class=AgbDisplayPublisher)
del sys.modules["jedi"]   # hidden only while IPython loaded (defer_ipython_package)
shell.user_ns["input"] = no_input
shell.user_ns["exit"] = shell.user_ns["quit"] = sys.exit   # as in a script: exit(n) raises SystemExit(n)


class ScriptNames:
    """A file run's cells are compiled under the script's name, so tracebacks say `File x.py:3`, not `Cell In [1]`,
    and keep their leading blank lines, so line numbers are the file's."""
    current = None
    _cache = shell.compile.cache
    _cleanup = shell.input_transformer_manager.cleanup_transforms
    _blank_lines = _cleanup[0] if _cleanup and _cleanup[0].__name__ == "leading_empty_lines" else None

    @classmethod
    def begin(cls, filename):
        cls.current = filename
        if cls._blank_lines is None:
            return
        if filename is not None and cls._blank_lines in cls._cleanup:
            cls._cleanup.remove(cls._blank_lines)
        elif filename is None and cls._blank_lines not in cls._cleanup:
            cls._cleanup.insert(0, cls._blank_lines)

    @classmethod
    def cache(cls, transformed_code, number=0, raw_code=None):
        name = cls._cache(transformed_code, number, raw_code)
        if cls.current is None:
            return name
        entry = linecache.cache.pop(name)
        shell.compile._filename_map.pop(name, None)
        linecache.cache[cls.current] = linecache._ipython_cache[cls.current] = (entry[0], None, entry[2], cls.current)
        return cls.current


shell.compile.cache = ScriptNames.cache


def arm_interrupts(armed):
    """SIGINT raises KeyboardInterrupt only while a cell runs; one that arrives between cells is ignored."""
    signal.signal(signal.SIGINT, signal.default_int_handler if armed else signal.SIG_IGN)


def execute(request):
    run = Run(request)
    Run.current = run
    shell.execution_count = run.execution_count
    ScriptNames.begin(request.get("filename"))
    status = "ok"
    exited = None
    try:
        arm_interrupts(True)
        try:
            outcome = shell.run_cell(request["code"], store_history=True)
        finally:
            arm_interrupts(False)
        if isinstance(outcome.error_in_exec, SystemExit):
            exited = exit_code(outcome.error_in_exec)
        if not outcome.success and exited != 0:
            status = "error"
    except KeyboardInterrupt:
        status = "error"
        emit_rich({"type": "error", "ename": "KeyboardInterrupt", "evalue": "", "traceback": []})
    flush_all()
    Run.current = None
    done = {"type": "done", "id": run.id, "status": status, "execution_count": run.execution_count}
    if exited is not None:
        done["exit_code"] = exited
    send(done)


def main():
    arm_interrupts(False)
    send({"type": "ready", "language": "python", "runtime": f"Python {sys.version.split()[0]}"})
    for request in protocol.requests():
        if request.get("type") == "execute":
            execute(request)


if __name__ == "__main__":
    try:
        main()
    except BaseException as failure:   # the driver itself failed: say why on the diagnostics channel
        protocol.diagnose(f"agb python driver failed: {failure!r}")
        raise
