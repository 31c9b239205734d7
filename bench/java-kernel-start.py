"""The Java kernel's start, in CPU: user + sys of the kernel's JVM (no sandbox, the engine's JVM options, pinned to one
CPU as a session has one) from its start to `ready`, and to the end of its first run (`1+1`), read from /proc while the
kernel still runs, and again 2 s after that run (what background threads do in an idle session). Variants given as
NAME=CLASSES[,ARCHIVE] (a folder of compiled agb/*.class, e.g. from two commits, and optionally a class-data archive
made by JavaClassArchive) are run interleaved; median of N (docs/benchmarks.md, "Issue 18 — Java start").

    /usr/bin/python3 bench/java-kernel-start.py 15 before=/tmp/base after=/tmp/new,/tmp/kernel.jsa
"""
import json
import os
import select
import statistics
import subprocess
import sys
import time

N = int(sys.argv[1])
variants = dict(argument.split("=", 1) for argument in sys.argv[2:])
TICK = os.sysconf("SC_CLK_TCK")
JVM = ["taskset", "-c", "1", "/usr/bin/java", "-XX:MaxRAM=1073741824", "-XX:MaxRAMPercentage=50", "-XX:MinRAMPercentage=50",
       "-XX:ActiveProcessorCount=1", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
       "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "-Djava.security.manager=allow", "-Djava.awt.headless=true"]


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICK   # utime + stime of all its threads


def wait_for(stream, message_type):
    line = b""
    while not line.endswith(b"\n") or json.loads(line)["type"] != message_type:
        if line.endswith(b"\n"):
            line = b""
        select.select([stream], [], [])
        line += os.read(stream, 1)


def one(classes, archive):
    requests_read, requests = os.pipe()
    messages, messages_write = os.pipe()
    acks = os.open("/dev/zero", os.O_RDONLY)
    share = ["-Xshare:auto", f"-XX:SharedArchiveFile={archive}"] if archive else []
    started = time.monotonic()
    # the kernel reads requests on fd 3, writes messages to fd 4, reads acknowledgements on fd 5
    kernel = subprocess.Popen(JVM + share + ["-cp", classes, "agb.JavaKernel"], stdout=subprocess.DEVNULL,
                              pass_fds=(3, 4, 5), preexec_fn=lambda: [os.dup2(requests_read, 3), os.dup2(messages_write, 4), os.dup2(acks, 5)])
    os.close(requests_read)
    os.close(messages_write)
    wait_for(messages, "ready")
    ready = (cpu_ms(kernel.pid), (time.monotonic() - started) * 1000)
    os.write(requests, json.dumps({"code": "1+1", "execution_count": 1}).encode() + b"\n")
    wait_for(messages, "done")
    first = (cpu_ms(kernel.pid), (time.monotonic() - started) * 1000)
    time.sleep(2)   # an idle session: what background threads still do after the first result
    idle = (cpu_ms(kernel.pid), 0)
    os.close(requests)
    kernel.wait()
    os.close(messages)
    os.close(acks)
    return ready, first, idle


results = {name: [] for name in variants}
for _ in range(N):
    for name, spec in variants.items():
        classes, _, archive = spec.partition(",")
        results[name].append(one(classes, archive))
for name, runs in results.items():
    def median(pick):
        return statistics.median(pick(run) for run in runs)
    print(f"{name}: to ready {median(lambda r: r[0][0]):.0f} ms CPU ({median(lambda r: r[0][1]):.0f} ms wall), "
          f"to the first result {median(lambda r: r[1][0]):.0f} ms CPU ({median(lambda r: r[1][1]):.0f} ms wall), "
          f"2 s later {median(lambda r: r[2][0]):.0f} ms CPU, n={len(runs)}")
