"""A kernel process's CPU over a one-run session: user + sys of the driver process (no sandbox) from its start through
`ready` and one run, until it is killed after `done`, as the engine ends a session's kernel (SIGKILL: no interpreter
shutdown). Drivers given as NAME=PATH (a folder holding agb_protocol.py, agb_supervisor.py and python/, e.g. a copy of
src/AgbCode.Engine/Resources/drivers from two commits) are run interleaved; median of N (docs/benchmarks.md, "Issue 18
— Python kernel and supervisor, second pass").

    /usr/bin/python3 bench/python-kernel-start.py [--supervisor] [--exit] [--code=TEXT] N before=/tmp/before after=/tmp/after

Default: the Python kernel (`python3 -X utf8 python/agb_python_driver.py`) runs a file, `print(sum(range(10)))`, or
the --code given (Python escapes read: --code='total = sum(range(10))\nprint(total)' is a file of two lines).
--supervisor: the supervisor of JavaScript, Java and R (`python3 -S -X utf8 agb_supervisor.py`) with a shell script as
its evaluator, which answers the run at once; only the supervisor's own CPU is counted (the evaluator is not its
child once the supervisor is killed, so its CPU is not reaped here).
--exit: the input is closed after `done` and the process exits by itself instead (interpreter shutdown included).
"""
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

# fd 3 requests, fd 4 messages (agb_supervision.py's docstring): ready, then one answer per request.
EVALUATOR = ["/bin/sh", "-c", 'echo \'{"type":"ready","runtime":"sh"}\' >&4\n'
             'while read -r line <&3; do echo \'{"type":"done","status":"ok"}\' >&4; done']

flags = dict(argument.partition("=")[::2] for argument in sys.argv[1:] if argument.startswith("--"))
arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
N = int(arguments[0])
folders = dict(argument.split("=", 1) for argument in arguments[1:])
supervisor = "--supervisor" in flags
scratch = tempfile.mkdtemp(prefix="agb-kernel-start-")
env = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "module://matplotlib_inline.backend_inline", "HOME": scratch,
       "IPYTHONDIR": os.path.join(scratch, ".ipython"), "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1"}
code = flags["--code"].encode().decode("unicode_escape") if "--code" in flags else "print(sum(range(10)))"
request = json.dumps({"type": "execute", "id": "r1", "code": code, "execution_count": 1, "filename": "f.py"}) + "\n"


def command(folder):
    if supervisor:
        return ["/usr/bin/python3", "-S", "-X", "utf8", os.path.join(folder, "agb_supervisor.py")] + EVALUATOR
    return ["/usr/bin/python3", "-X", "utf8", os.path.join(folder, "python", "agb_python_driver.py")]


def used():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)   # children that have ended: one at a time here
    return r.ru_utime + r.ru_stime


def one_session(argv):
    """CPU seconds of one process: started, one run to its `done`, then killed (or, with --exit, left to exit)."""
    start = used()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=scratch)
    process.stdin.write(request.encode())
    process.stdin.flush()
    lines = []
    for line in process.stdout:
        lines.append(line)
        if b'"type":"done"' in line:
            break
    assert lines and b'"status":"ok"' in lines[-1], lines
    assert supervisor or "--code" in flags or any(b'45\\n' in line for line in lines), lines
    if "--exit" in flags:
        process.stdin.close()
    else:
        process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    return used() - start


for folder in folders.values():   # as PythonDriver.Prepare does at install
    modules = [os.path.join(folder, name) for name in ("python", "agb_protocol.py", "agb_supervision.py")]
    subprocess.run(["/usr/bin/python3", "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"]
                   + [path for path in modules if os.path.exists(path)], check=True)
cpu = {name: [] for name in folders}
for _ in range(N):
    for name, folder in folders.items():
        cpu[name].append(one_session(command(folder)) * 1000)
for name, values in cpu.items():
    print(f"{name}: median {statistics.median(values):.1f} ms CPU, min {min(values):.1f}, max {max(values):.1f} (n={len(values)})")
shutil.rmtree(scratch, ignore_errors=True)
