"""The Python kernel's start, in CPU: user + sys of the driver process (no sandbox) from its start through `ready` and
one `print('hi')` run, until it exits at the end of its input. Drivers given as NAME=PATH (a folder holding
agb_protocol.py and python/agb_python_driver.py, e.g. a copy of src/AgbCode.Engine/Resources/drivers from two
commits) are run interleaved; median of N (docs/benchmarks.md, "The Python kernel starts without IPython's shell").

    /usr/bin/python3 bench/python-kernel-start.py 15 before=/tmp/before after=/tmp/after
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
drivers = {name: os.path.join(folder, "python", "agb_python_driver.py")
           for name, folder in (argument.split("=", 1) for argument in sys.argv[2:])}
scratch = tempfile.mkdtemp(prefix="agb-kernel-start-")
env = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "module://matplotlib_inline.backend_inline", "HOME": scratch,
       "IPYTHONDIR": os.path.join(scratch, ".ipython"), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
request = json.dumps({"type": "execute", "id": "r1", "code": "print('hi')", "execution_count": 1}) + "\n"
cpu = {k: [] for k in drivers}


def used():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)   # children that have exited: one at a time here
    return r.ru_utime + r.ru_stime


for _ in range(N):
    for name, path in drivers.items():
        start = used()
        out = subprocess.run(["/usr/bin/python3", "-X", "utf8", path], input=request.encode(), capture_output=True, env=env, cwd=scratch).stdout
        assert b'"done"' in out and b'hi\\n' in out, out
        cpu[name].append((used() - start) * 1000)
for name, values in cpu.items():
    print(f"{name}: median {statistics.median(values):.1f} ms CPU, min {min(values):.1f}, max {max(values):.1f} (n={len(values)})")
shutil.rmtree(scratch, ignore_errors=True)
