"""AgbCode Python kernel: IPython's InteractiveShell behind the engine's JSON-lines protocol.

Channels (see docs/protocol.md):
  fd 0 of the process  -> requests from the engine, one JSON object per line (moved to a private fd)
  fd 1 of the process  -> messages to the engine, one JSON object per line (moved to a private fd)
  fd 2 of the process  -> driver diagnostics (moved to a private fd)
User code gets fresh pipes as fd 1 and 2 (inherited by the processes it starts); the driver relays them, so nothing
user code prints can reach the protocol channel, and /dev/null as stdin.
"""
import os
import sys

PROTO = os.dup(1)       # os.dup returns non-inheritable fds: processes started by user code never see them
REQUESTS = os.dup(0)
DIAG = os.dup(2)
_null = os.open("/dev/null", os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
_out_r, _out_w = os.pipe()
_err_r, _err_w = os.pipe()
os.dup2(_out_w, 1)
os.dup2(_err_w, 2)
os.close(_out_w)
os.close(_err_w)

import base64
import codecs
import io
import json
import select
import signal
import threading
import time

codecs.register_error("agb_fffd", lambda e: ("\ufffd", e.end))

_proto_lock = threading.Lock()


def send(message):
    data = (json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode("utf-8", "agb_fffd")
    with _proto_lock:
        view = memoryview(data)
        while view:
            view = view[os.write(PROTO, view):]


class Run:
    """The request being executed; output between requests is sent with id None."""
    current = None

    def __init__(self, request):
        self.id = request["id"]
        self.cap = int(request.get("output_cap", 10 * 1024 * 1024))
        self.sent = 0
        self.truncated = False


_cap_lock = threading.Lock()


def emit_stream(name, text):
    if not text:
        return
    run = Run.current
    if run is not None:
        size = len(text.encode("utf-8", "agb_fffd"))
        with _cap_lock:
            if run.truncated:
                return
            if run.sent + size > run.cap:
                run.truncated = True
                send({"type": "truncated", "id": run.id})
                return
            run.sent += size
    send({"type": "stream", "id": run.id if run else None, "name": name, "text": text})


class ProtocolStream(io.TextIOBase):
    """sys.stdout / sys.stderr: text goes straight to the engine, a line at a time or within 50 ms."""

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


class FdRelay:
    """Relays what processes write to fd 1 / fd 2 (C code, subprocesses), decoding UTF-8 without splitting characters."""

    def __init__(self, fd, name):
        self.fd = fd
        self.name = name
        self.lock = threading.Lock()
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        os.set_blocking(fd, False)

    def loop(self):
        while True:
            select.select([self.fd], [], [])
            self.drain()

    def drain(self):
        with self.lock:
            while True:
                try:
                    chunk = os.read(self.fd, 65536)
                except BlockingIOError:
                    return
                if not chunk:
                    return
                emit_stream(self.name, self.decoder.decode(chunk))


relays = [FdRelay(_out_r, "stdout"), FdRelay(_err_r, "stderr")]
stdout = ProtocolStream("stdout", 1)
stderr = ProtocolStream("stderr", 2)
Flusher.streams = [stdout, stderr]
sys.stdout = sys.__stdout__ = stdout
sys.stderr = sys.__stderr__ = stderr
for target in [Flusher.loop] + [r.loop for r in relays]:
    threading.Thread(target=target, daemon=True).start()


def flush_all():
    for stream in Flusher.streams:
        stream.flush()
    for relay in relays:
        relay.drain()


# ---- IPython -------------------------------------------------------------------------------------------------------

os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
sys.path[0] = ""   # like a notebook: imports resolve in the working directory, not in the driver's folder

from traitlets.config import Config                                          # noqa: E402
from IPython.core.interactiveshell import InteractiveShell                   # noqa: E402
from IPython.core.displayhook import DisplayHook                             # noqa: E402
from IPython.core.displaypub import DisplayPublisher                         # noqa: E402


def jsonable(bundle):
    return {mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for mime, value in bundle.items()}


class AgbDisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        flush_all()
        send({"type": "display_data", "id": Run.current.id if Run.current else None,
              "data": jsonable(data), "metadata": metadata or {}})

    def clear_output(self, wait=False):
        pass


class AgbDisplayHook(DisplayHook):
    def start_displayhook(self):
        self._bundle = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self._bundle = format_dict

    def finish_displayhook(self):
        if self._bundle:
            flush_all()
            send({"type": "execute_result", "id": Run.current.id if Run.current else None,
                  "execution_count": self.prompt_count, "data": jsonable(self._bundle)})
        self._bundle = None


class AgbShell(InteractiveShell):
    def enable_gui(self, gui=None):
        pass

    def _showtraceback(self, etype, evalue, stb):
        flush_all()
        send({"type": "error", "id": Run.current.id if Run.current else None,
              "ename": getattr(etype, "__name__", str(etype)), "evalue": str(evalue), "traceback": list(stb)})

    def ask_exit(self):
        pass   # `exit` in a cell must not end the kernel


def no_input(*args, **kwargs):
    raise EOFError("input() is not available: code runs without an interactive stdin")


config = Config()
config.HistoryManager.enabled = False
config.InteractiveShell.colors = "NoColor"
config.InteractiveShell.autocall = 0
config.InteractiveShell.xmode = "Plain"
shell = AgbShell.instance(config=config, displayhook_class=AgbDisplayHook, display_pub_class=AgbDisplayPublisher)
shell.user_ns["input"] = no_input


def arm_interrupts(armed):
    """SIGINT raises KeyboardInterrupt only while a cell runs; one that arrives between cells is ignored."""
    signal.signal(signal.SIGINT, signal.default_int_handler if armed else signal.SIG_IGN)


arm_interrupts(False)


def execute(request):
    run = Run(request)
    Run.current = run
    shell.execution_count = int(request["execution_count"])
    status = "ok"
    try:
        arm_interrupts(True)
        try:
            outcome = shell.run_cell(request["code"], store_history=True)
        finally:
            arm_interrupts(False)
        if not outcome.success:
            status = "error"
    except KeyboardInterrupt:
        status = "error"
        send({"type": "error", "id": run.id, "ename": "KeyboardInterrupt", "evalue": "", "traceback": []})
    flush_all()
    Run.current = None
    send({"type": "done", "id": run.id, "status": status, "execution_count": int(request["execution_count"])})


def main():
    send({"type": "ready", "language": "python", "runtime": f"Python {sys.version.split()[0]}",
          "pid": os.getpid()})
    requests = os.fdopen(REQUESTS, "rb", buffering=0)
    reader = io.BufferedReader(requests, 1 << 20)
    while True:
        line = reader.readline()
        if not line:
            return
        request = json.loads(line)
        if request.get("type") == "execute":
            execute(request)


if __name__ == "__main__":
    try:
        main()
    except BaseException as failure:   # the driver itself failed: tell the engine on the diagnostics channel
        os.write(DIAG, f"agb python driver failed: {failure!r}\n".encode("utf-8", "replace"))
        raise
