"""CPU and memory of the R kernel (agb_supervisor.py + agb_r_evaluator.R) outside any sandbox, for drivers folders side
by side (e.g. main's and a branch's src/AgbCode.Engine/Resources/drivers), runs interleaved:

    /usr/bin/python3 bench/r-kernel-cpu.py [--starts 15] [--runs 1000] [direct:]DRIVERS...

Each folder is copied to a temporary one and its R parts byte-compiled there, as RDriver.Prepare does at install.
A folder is started through Rscript, or with `direct:` as RDriver starts R since RFrontEnd: R's binary with the
variables R's front-end script would have added (what R sees through Rscript and not directly, as RFrontEnd captures).
Per start: the R process's CPU (its reaped children's included) at `ready`, after a first cell (the cat() of bench/fresh-sessions.ps1), and after 2 s
idle, and its resident memory then. Then, in one kernel per folder, `1+1` back to back: the supervisor's and R's CPU
per run (from /proc, 10 ms ticks, so over many runs) and the round trip's wall time.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
FIRST_CELL = "cat(sum(0:9), '\\n', sep = '')"


def installed_copy(drivers, into):
    target = os.path.join(into, str(len(os.listdir(into))))
    shutil.copytree(drivers, target, ignore=shutil.ignore_patterns("node_modules", "*.Rc"))
    parts = [os.path.join(target, "r", name) for name in os.listdir(os.path.join(target, "r"))
             if name.startswith("agb_r_") and name.endswith(".R") and name != "agb_r_evaluator.R"]
    subprocess.run(["/usr/bin/Rscript", "--vanilla", "-e",
                    "for (p in commandArgs(TRUE)) compiler::cmpfile(p, sub('[.]R$', '.Rc', p), verbose = FALSE)", *parts],
                   check=True, stdout=subprocess.DEVNULL)
    return target


def cpu_ms(pid):
    """The process's CPU and its reaped children's: R's front end (bash, uname, sed) and what R runs at start."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return sum(int(field) for field in fields[11:15]) * TICK_MS


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


PRINT_ENVIRONMENT = "e <- Sys.getenv(); writeLines(paste0(names(e), '=', gsub('\\n', ' ', e)))"
R_OWN = {"R_SESSION_TMPDIR", "PWD", "SHLVL", "_"}


def printed_environment(command):
    output = subprocess.run(["/usr/bin/env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", f"HOME={os.environ['HOME']}",
                             *command, "-e", PRINT_ENVIRONMENT], check=True, capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def direct_start():
    """R's binary and what R's front end adds to the environment (RFrontEnd.Capture's rule)."""
    through_script = printed_environment(["/usr/bin/Rscript", "--vanilla"])
    binary = f"{through_script['R_HOME']}/bin/exec{through_script.get('R_ARCH', '')}/R"
    direct = printed_environment([f"R_HOME={through_script['R_HOME']}", binary, "--no-echo", "--no-restore", "--vanilla"])
    added = {name: value for name, value in through_script.items() if name not in R_OWN and direct.get(name) != value}
    return binary, {**added, "R_HOME": through_script["R_HOME"], "SHLVL": "0"}


KEPT_FROM_CALLER = {"R_ARCH", "LD_LIBRARY_PATH", "SHLVL"}


def evaluator_command(drivers):
    """As RDriver: the variables the front end imposes through env(1), those it keeps from its caller in the environment."""
    evaluator = os.path.join(drivers.folder, "r", "agb_r_evaluator.R")
    if not drivers.direct:
        return ["/usr/bin/Rscript", "--vanilla", evaluator], None
    binary, variables = direct_start()
    imposed = [f"{name}={value}" for name, value in variables.items() if name not in KEPT_FROM_CALLER]
    kept = {name: value for name, value in variables.items() if name in KEPT_FROM_CALLER}
    return (["/usr/bin/env", *imposed, binary, "--no-echo", "--no-restore", "--vanilla", f"--file={evaluator}"],
            {**os.environ, **kept})


class Drivers:
    def __init__(self, argument, scratch):
        self.direct = argument.startswith("direct:")
        self.name = argument
        self.folder = installed_copy(argument.removeprefix("direct:"), scratch)
        self.command, self.environment = evaluator_command(self)


class Kernel:
    def __init__(self, drivers):
        self.process = subprocess.Popen(
            ["/usr/bin/python3", "-S", os.path.join(drivers.folder, "agb_supervisor.py"), *drivers.command],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=drivers.environment)
        self.count = 0
        self.wait_for("ready")
        pid = self.process.pid
        self.r = int(open(f"/proc/{pid}/task/{pid}/children").read().split()[0])

    def wait_for(self, kind):
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the kernel ended")
            if json.loads(line)["type"] == kind:
                return

    def run(self, code):
        self.count += 1
        request = {"type": "execute", "id": str(self.count), "code": code, "execution_count": self.count}
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        self.wait_for("done")

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def start(drivers):
    kernel = Kernel(drivers)
    ready = cpu_ms(kernel.r)
    kernel.run(FIRST_CELL)
    first = cpu_ms(kernel.r)
    time.sleep(2)
    row = (ready, first, cpu_ms(kernel.r), rss_mib(kernel.r))
    kernel.close()
    return row


def warm(drivers, runs):
    kernel = Kernel(drivers)
    for _ in range(10):
        kernel.run("1+1")
    supervisor, r = cpu_ms(kernel.process.pid), cpu_ms(kernel.r)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        kernel.run("1+1")
        times.append((time.perf_counter() - began) * 1000)
    row = ((cpu_ms(kernel.process.pid) - supervisor) / runs, (cpu_ms(kernel.r) - r) / runs, statistics.median(times))
    kernel.close()
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=15)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("drivers", nargs="+")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="agb-r-cpu-") as scratch:
        folders = [Drivers(argument, scratch) for argument in args.drivers]
        starts = {drivers: [] for drivers in folders}
        for _ in range(args.starts):
            for drivers in folders:
                starts[drivers].append(start(drivers))
        warms = {drivers: warm(drivers, args.runs) for drivers in folders}
        print("| drivers | R CPU ms at ready | after the first cell | after 2 s idle | R resident MiB then |"
              " warm `1+1`: supervisor CPU ms | R CPU ms | wall median ms |")
        print("|---|---|---|---|---|---|---|---|")
        for drivers in folders:
            columns = [statistics.median(column) for column in zip(*starts[drivers])]
            supervisor, r, wall = warms[drivers]
            print(f"| {drivers.name} | {columns[0]:.0f} | {columns[1]:.0f} | {columns[2]:.0f} | {columns[3]:.1f} |"
                  f" {supervisor:.2f} | {r:.2f} | {wall:.2f} |")


if __name__ == "__main__":
    main()
