"""The Java kernel's start, in CPU: user + sys of the kernel's JVM (no sandbox, the engine's JVM options, pinned to one
CPU as a session has one) from its start to `ready`, and to the end of its first run (`1+1`, or --code), read from /proc while the
kernel still runs, and again 2 s after that run (what background threads do in an idle session). Variants given as
NAME=CLASSES[,ARCHIVE][,-JVMOPTION...] (a folder of compiled agb/*.class, e.g. from two commits, optionally a class-data
archive made by JavaClassArchive, and JVM options added to the engine's, e.g. -XX:CompileThresholdScaling=4) are run
interleaved; median of N (docs/benchmarks.md, "Issue 18 — Java start" and "Java start, second pass").
With --spare SEC first, the request is sent SEC seconds after `ready`, as to a spare that has idled (and warmed up) that
long; the CPU at that moment is printed too. With --code TEXT, the first run is TEXT instead of `1+1` (e.g. the program
bench/fresh-sessions.ps1 runs).

    /usr/bin/python3 bench/java-kernel-start.py 15 before=/tmp/base after=/tmp/new,/tmp/kernel.jsa
    /usr/bin/python3 bench/java-kernel-start.py --spare 5 15 spare=/tmp/new,/tmp/kernel.jsa
"""
import json
import os
import select
import statistics
import subprocess
import sys
import time

arguments = sys.argv[1:]
spare_sec = 0.0
code = "1+1"
while arguments[0] in ("--spare", "--code"):
    if arguments[0] == "--spare":
        spare_sec = float(arguments[1])
    else:
        code = arguments[1]
    arguments = arguments[2:]
N = int(arguments[0])
variants = dict(argument.split("=", 1) for argument in arguments[1:])
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


def one(classes, archive, options):
    requests_read, requests = os.pipe()
    messages, messages_write = os.pipe()
    acks = os.open("/dev/zero", os.O_RDONLY)
    share = ["-Xshare:auto", f"-XX:SharedArchiveFile={archive}"] if archive else []
    started = time.monotonic()
    # the kernel reads requests on fd 3, writes messages to fd 4, reads acknowledgements on fd 5
    kernel = subprocess.Popen(JVM + options + share + ["-cp", classes, "agb.JavaKernel"], stdout=subprocess.DEVNULL,
                              pass_fds=(3, 4, 5), preexec_fn=lambda: [os.dup2(requests_read, 3), os.dup2(messages_write, 4), os.dup2(acks, 5)])
    os.close(requests_read)
    os.close(messages_write)
    wait_for(messages, "ready")
    ready = (cpu_ms(kernel.pid), (time.monotonic() - started) * 1000)
    time.sleep(spare_sec)
    asked = (cpu_ms(kernel.pid), 0)
    os.write(requests, json.dumps({"code": code, "execution_count": 1}).encode() + b"\n")
    wait_for(messages, "done")
    first = (cpu_ms(kernel.pid), (time.monotonic() - started) * 1000)
    time.sleep(2)   # an idle session: what background threads still do after the first result
    idle = (cpu_ms(kernel.pid), 0)
    os.close(requests)
    kernel.wait()
    os.close(messages)
    os.close(acks)
    return ready, first, idle, asked


results = {name: [] for name in variants}
for _ in range(N):
    for name, spec in variants.items():
        classes, *rest = spec.split(",")
        options = [part for part in rest if part.startswith("-")]
        archive = next((part for part in rest if not part.startswith("-")), "")
        results[name].append(one(classes, archive, options))
for name, runs in results.items():
    def median(pick):
        return statistics.median(pick(run) for run in runs)
    asked = f"when asked ({spare_sec:g} s after ready) {median(lambda r: r[3][0]):.0f} ms CPU, " if spare_sec else ""
    print(f"{name}: to ready {median(lambda r: r[0][0]):.0f} ms CPU ({median(lambda r: r[0][1]):.0f} ms wall), {asked}"
          f"to the first result {median(lambda r: r[1][0]):.0f} ms CPU ({median(lambda r: r[1][1]):.0f} ms wall), "
          f"2 s later {median(lambda r: r[2][0]):.0f} ms CPU, n={len(runs)}")
