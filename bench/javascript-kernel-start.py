"""The JavaScript kernel's start, in CPU: user + sys of the evaluator process (no sandbox, no supervisor) from exec
through `ready` ("ready": no request, it exits at end of input) and through one `console.log('hi')` run ("run"),
beside `node f` running the same line. Drivers given as NAME=PATH (a folder holding javascript/agb_node_evaluator.js,
e.g. a copy of src/AgbCode.Engine/Resources/drivers from two commits) are run interleaved; median of N
(docs/benchmarks.md, "Issue 18 — JavaScript start").

    /usr/bin/python3 bench/javascript-kernel-start.py 30 before=/tmp/before after=/tmp/after
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

N = int(sys.argv[1])
NODE = "/usr/bin/node"
HEAP = "--max-old-space-size=768"   # what the engine passes for a default (1 GiB) session (JavaScriptDriver)
drivers = {name: os.path.join(folder, "javascript", "agb_node_evaluator.js")
           for name, folder in (argument.split("=", 1) for argument in sys.argv[2:])}
scratch = tempfile.mkdtemp(prefix="agb-js-start-")
os.chdir(scratch)   # the working directory of every process started here
env = {"PATH": "/usr/bin:/bin", "HOME": scratch}
request = json.dumps({"type": "execute", "id": "r1", "code": "console.log('hi')", "execution_count": 1}) + "\n"
script = os.path.join(scratch, "f.js")
with open(script, "w") as f:
    f.write("console.log('hi')\n")


def used():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)   # children that have exited: one at a time here
    return r.ru_utime + r.ru_stime


def evaluator(path, requests):
    """Runs the evaluator with fd 3 = the requests (then end of file), fd 4 = its messages, fd 5 = acknowledgements."""
    req_r, req_w = os.pipe()
    msg_r, msg_w = os.pipe()
    ack_r, ack_w = os.pipe()
    out_r, out_w = os.pipe()
    os.write(req_w, requests.encode())
    os.close(req_w)
    pid = os.posix_spawn(NODE, [NODE, HEAP, path], env, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out_w, 1),
        (os.POSIX_SPAWN_DUP2, req_r, 3),
        (os.POSIX_SPAWN_DUP2, msg_w, 4),
        (os.POSIX_SPAWN_DUP2, ack_r, 5),
    ])
    for fd in (req_r, msg_w, ack_r, out_w):
        os.close(fd)
    with os.fdopen(msg_r, "rb") as messages:
        received = messages.read()
    with os.fdopen(out_r, "rb") as output:
        out = output.read()
    os.close(ack_w)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    assert status == 0 and b'"ready"' in received, (status, received)
    return received, out


def node_f():
    out = subprocess.run([NODE, script], capture_output=True, env=env).stdout
    assert out == b"hi\n", out


def ready(path):
    evaluator(path, "")


def run(path):
    received, out = evaluator(path, request)
    assert b'"done"' in received and out == b"hi\n", (received, out)


cases = {"node f": node_f}
for name, path in drivers.items():
    cases[f"{name} ready"] = lambda path=path: ready(path)
    cases[f"{name} run"] = lambda path=path: run(path)
cpu = {k: [] for k in cases}
for _ in range(N):
    for name, case in cases.items():
        start = used()
        case()
        cpu[name].append((used() - start) * 1000)
for name, values in cpu.items():
    print(f"{name}: median {statistics.median(values):.1f} ms CPU, min {min(values):.1f}, max {max(values):.1f} (n={len(values)})")
shutil.rmtree(scratch, ignore_errors=True)
