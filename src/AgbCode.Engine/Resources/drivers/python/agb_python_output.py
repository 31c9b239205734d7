"""The Python kernel's output: sys.stdout / sys.stderr send text straight to the engine (so prints keep their order
with results), what processes write to fds 1 and 2 is relayed, and results, displays and errors go out after both."""
import io
import os
import sys
import threading
import time

import agb_protocol as protocol
from agb_protocol import Run, emit_stream, emit_rich, send


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


relays = []
stdout = ProtocolStream("stdout", 1)
stderr = ProtocolStream("stderr", 2)


def install(out_read, err_read):
    """Relays the pipes behind fds 1 and 2 and makes the protocol streams Python's."""
    relays.extend([protocol.FdRelay(out_read, "stdout"), protocol.FdRelay(err_read, "stderr")])
    Flusher.streams = [stdout, stderr]
    sys.stdout = sys.__stdout__ = stdout
    sys.stderr = sys.__stderr__ = stderr
    threading.Thread(target=Flusher.loop, daemon=True).start()


def flush_all():
    for stream in Flusher.streams:
        stream.flush()
    for relay in relays:
        relay.drain()


def jsonable(bundle):
    import base64   # for images only: not at start
    return {mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for mime, value in bundle.items()}


def too_large_to_show(value):
    """A str, bytes or bytearray longer than the run's output cap: its text is longer still and could never be sent, so
    it is not made (a 100 MB bytearray's repr is 400 MB, which ran the kernel out of memory) and the run is flagged as
    cut, as for any result over the cap. The value itself stays the cell's result (`_`, `Out`)."""
    if isinstance(value, (str, bytes, bytearray)) and len(value) > protocol.output_cap():
        protocol.cut_result()
        return True
    return False


def publish_result(bundle, execution_count):
    flush_all()
    emit_rich({"type": "execute_result", "execution_count": execution_count, "data": jsonable(bundle)})


def publish_display(bundle, metadata):
    flush_all()
    emit_rich({"type": "display_data", "data": jsonable(bundle), "metadata": metadata or {}})


def publish_error(ename, evalue, traceback):
    flush_all()
    emit_rich({"type": "error", "ename": ename, "evalue": evalue, "traceback": traceback})


def took_interrupt():
    """The run took the engine's interrupt and is ending: making its error can take longer than the engine's grace (the
    shell may have to be made first), and the engine waits for it instead of killing the kernel."""
    if Run.current is not None:
        send({"type": "interrupted", "id": Run.current.id})


def exit_message(failure):
    """sys.exit("text") prints the text to stderr, as Python does when it exits with it (code 1)."""
    if failure.code is not None and not isinstance(failure.code, int):
        stderr.write(f"{failure.code}\n")
