"""AgbCode kernel supervisor: speaks the engine protocol for an evaluator in another runtime (Node, JShell, R), started
by agb_supervisor.py EVALUATOR_ARGV... (importing this module starts the evaluator; main() then serves the engine).

The evaluator is started with fd 0 = /dev/null, fd 1 and fd 2 = pipes this supervisor relays live as stdout and
stderr, fd 3 = requests ({"code", "execution_count", "filename"?}, one JSON object per line), fd 4 = its messages (ready, sync,
display_data, execute_result, error, done) and fd 5 = acknowledgements. Before each message it has flushed what it
printed, so relaying all the output already in the pipes first keeps every message in order with the output before
it. Two pipes cannot say whether stdout or stderr was written first, so an evaluator that switches from one to the
other first sends "sync": the supervisor relays what is in the pipes and answers with a newline on fd 5, and only
then does the evaluator write to the other pipe. SIGINT from the engine is
forwarded to the evaluator during a run. When the evaluator exits, so does the supervisor, with the same status.
See docs/protocol.md.
"""
import json
import os
import signal
import sys
import threading

import agb_protocol as protocol
from agb_protocol import Run, send, emit_rich

protocol.take_channels()
out_r, out_w = os.pipe()
err_r, err_w = os.pipe()
req_r, req_w = os.pipe()
msg_r, msg_w = os.pipe()
ack_r, ack_w = os.pipe()

evaluator = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[
    (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
    (os.POSIX_SPAWN_DUP2, out_w, 1),
    (os.POSIX_SPAWN_DUP2, err_w, 2),
    (os.POSIX_SPAWN_DUP2, req_r, 3),
    (os.POSIX_SPAWN_DUP2, msg_w, 4),
    (os.POSIX_SPAWN_DUP2, ack_r, 5),
])
for fd in (out_w, err_w, req_r, msg_w, ack_r):
    os.close(fd)

relays = [protocol.FdRelay(out_r, "stdout"), protocol.FdRelay(err_r, "stderr")]
requests_to_evaluator = os.fdopen(req_w, "wb", buffering=0)
_idle = threading.Event()   # set while no run is in progress: requests go to the evaluator one at a time
_idle.set()


def drain():
    for relay in relays:
        relay.drain()


def forward_interrupt(signum, frame):
    if Run.current is not None:
        os.kill(evaluator, signal.SIGINT)


def relay_messages():
    """The evaluator's messages, in order, after the output it printed before each; ends when it exits."""
    for line in os.fdopen(msg_r, "rb"):
        try:
            message = json.loads(line)
        except ValueError:
            protocol.diagnose(f"agb supervisor: the evaluator sent a line that is not JSON: {line[:200]!r}")
            break
        kind = message.get("type")
        drain()
        if kind == "sync":
            os.write(ack_w, b"\n")   # the output before it is relayed: the evaluator may write to the other pipe
        elif kind == "ready":
            send({"type": "ready", "runtime": message.get("runtime", "")})
        elif kind in ("display_data", "execute_result", "error"):
            if kind == "execute_result" and Run.current is not None:
                message["execution_count"] = Run.current.execution_count
            emit_rich(message)
        elif kind == "done" and Run.current is not None:
            run = Run.current
            Run.current = None
            done = {"type": "done", "id": run.id, "status": message.get("status", "error"), "execution_count": run.execution_count}
            if type(message.get("exit_code")) is int:
                done["exit_code"] = message["exit_code"]
            send(done)
            _idle.set()
    _, status = os.waitpid(evaluator, 0)
    drain()
    code = os.waitstatus_to_exitcode(status)
    os._exit(128 - code if code < 0 else code)   # a signal shows as 128 + its number, like a shell


def main():
    signal.signal(signal.SIGINT, forward_interrupt)
    threading.Thread(target=relay_messages, daemon=True).start()
    for request in protocol.requests():
        if request.get("type") != "execute":
            continue
        _idle.wait()
        _idle.clear()
        Run.current = Run(request)
        forwarded = {"code": request["code"], "execution_count": Run.current.execution_count}
        if isinstance(request.get("filename"), str):
            forwarded["filename"] = request["filename"]
        line = json.dumps(forwarded) + "\n"
        try:
            requests_to_evaluator.write(line.encode("utf-8", "agb_fffd"))
        except BrokenPipeError:
            break   # the evaluator is gone; relay_messages reports its exit
    requests_to_evaluator.close()   # the engine closed the channel: the evaluator sees EOF and exits
    threading.Event().wait()
