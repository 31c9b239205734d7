"""The engine side of a kernel's channels, shared by the Python driver and the supervisor of the other languages.

take_channels() moves the engine's pipes (fd 0 requests, fd 1 messages, fd 2 diagnostics) to private, non-inheritable
descriptors and puts /dev/null on fd 0, so nothing user code prints or reads can touch the protocol. Output that user
processes write to their own pipes is relayed with FdRelay: UTF-8 decoded without splitting a character, tagged with
the current run, and cut at the run's output cap. See docs/protocol.md.
"""
import codecs
import json
import os
import select
import threading

# U+FFFD for what cannot be encoded (lone surrogates) or decoded; an encoder takes its replacement as bytes.
codecs.register_error("agb_fffd", lambda e: (
    ("\ufffd".encode() if isinstance(e, UnicodeEncodeError) else "\ufffd") * (e.end - e.start), e.end))

PROTO = REQUESTS = DIAG = -1
_proto_lock = threading.Lock()
_cap_lock = threading.Lock()


def take_channels():
    global PROTO, REQUESTS, DIAG
    PROTO, REQUESTS, DIAG = os.dup(1), os.dup(0), os.dup(2)   # os.dup: not inherited by child processes
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)


def _json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _write(line):
    data = (line + "\n").encode("utf-8", "agb_fffd")
    with _proto_lock:
        view = memoryview(data)
        while view:
            view = view[os.write(PROTO, view):]


def send(message):
    _write(_json(message))


def diagnose(text):
    os.write(DIAG, (text.rstrip("\n") + "\n").encode("utf-8", "agb_fffd"))


def request_waiting(seconds):
    """Whether a request arrives within `seconds`, before the first one is read (requests() buffers the channel)."""
    return bool(select.select([REQUESTS], [], [], seconds)[0])


def requests():
    """The engine's requests, one dict per line, until it closes the channel."""
    reader = os.fdopen(REQUESTS, "rb", buffering=1 << 16)
    for line in reader:
        yield json.loads(line)


class Budget:
    """Output counts against a cap, per run and, with a cap of its own, between runs (threads that print after a run)."""

    def __init__(self, run_id, cap):
        self.id = run_id
        self.cap = cap
        self.sent = 0
        self.truncated = False


class Run(Budget):
    """The request being executed; output between requests is sent with id None."""
    current = None
    idle = Budget(None, 10 * 1024 * 1024)

    def __init__(self, request):
        super().__init__(request["id"], int(request.get("output_cap", 10 * 1024 * 1024)))
        self.execution_count = int(request["execution_count"])
        Run.idle = Budget(None, self.cap)   # what is printed after this run, until the next, starts afresh

    @staticmethod
    def current_id():
        run = Run.current
        return run.id if run else None


def _within_cap(name, size):
    """Output counts against the run's cap (between runs, the idle one); past it, output is dropped and the engine told once."""
    run = Run.current or Run.idle
    with _cap_lock:
        if run.truncated:
            return False
        if run.sent + size > run.cap:
            _truncate(run, name)
            return False
        run.sent += size
        return True


def _truncate(run, name):
    """From here on the run's output is dropped; the engine is told (once: the caller holds _cap_lock and checked)."""
    run.truncated = True
    send({"type": "truncated", "id": run.id, "name": name})


def output_cap():
    """The current run's output cap in bytes (between runs, the idle one's)."""
    return (Run.current or Run.idle).cap


def cut_result():
    """A main result too large for the run's cap is not sent: the run is flagged as cut instead, else it would seem to
    have had no result at all."""
    run = Run.current
    if run is None:
        return
    with _cap_lock:
        if not run.truncated:
            _truncate(run, "stdout")


def emit_stream(name, text):
    if text and _within_cap(name, len(text.encode("utf-8", "agb_fffd"))):
        send({"type": "stream", "id": Run.current_id(), "name": name, "text": text})


def emit_rich(message):
    """display_data counts against the output cap; an error, and a main result no larger than the cap, always go."""
    message = dict(message, id=Run.current_id())
    kind = message["type"]
    if kind in ("error", "execute_result") and Run.current is None:
        # Outside a run there is no result or failure to report (the engine kills a kernel that sends one): an error
        # of code still running in the background is shown as output.
        if kind == "error":
            emit_stream("stderr", f"{message.get('ename', 'Error')}: {message.get('evalue', '')}\n")
        return
    if "data" not in message:
        send(message)
        return
    # The data is written once, measured as the engine measures it (its JSON text), and spliced into the line.
    data = _json(message.pop("data"))
    if kind == "display_data" and not _within_cap("stdout", len(data)):
        return
    run = Run.current
    if kind == "execute_result" and run is not None and len(data) > run.cap:
        cut_result()
        return
    _write(_json(message)[:-1] + ',"data":' + data + "}")


class FdRelay:
    """Relays what processes write to one pipe, decoding UTF-8 without splitting characters."""

    def __init__(self, fd, name):
        self.fd = fd
        self.name = name
        self.lock = threading.Lock()
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        os.set_blocking(fd, False)
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            select.select([self.fd], [], [])
            if not self.drain():
                return

    def drain(self):
        """Relays everything written so far; False once every writer has closed the pipe."""
        with self.lock:
            while True:
                try:
                    chunk = os.read(self.fd, 65536)
                except BlockingIOError:
                    return True
                if not chunk:
                    emit_stream(self.name, self.decoder.decode(b"", final=True))
                    return False
                emit_stream(self.name, self.decoder.decode(chunk))
