"""AgbCode Python kernel: cells run as IPython's InteractiveShell runs them, behind the engine's JSON-lines protocol
(docs/protocol.md). The kernel starts without the shell (agb_python_light) and makes it when a cell needs it.

User code gets fresh pipes as fd 1 and 2 (inherited by the processes it starts), relayed by the driver, and /dev/null as
stdin; Python-level sys.stdout / sys.stderr send text straight to the engine, so prints keep their order with results.
"""
import gc
import os
import sys

# What the start allocates stays for the kernel's life (modules, classes; about 50 of its 11,000 objects are garbage):
# collecting it during the imports, or once the collector is on, is wasted CPU (~5 ms). It is frozen before `ready`.
gc.disable()

HERE = os.path.dirname(os.path.abspath(__file__))
import agb_protocol as protocol   # noqa: E402   (sys.path: agb_python_driver.py)

protocol.take_channels()
_out_r, _out_w = os.pipe()
_err_r, _err_w = os.pipe()
os.dup2(_out_w, 1)
os.dup2(_err_w, 2)
os.close(_out_w)
os.close(_err_w)

import importlib.util   # noqa: E402
import signal          # noqa: E402

import agb_python_imports   # noqa: E402

import agb_python_output as output   # noqa: E402
from agb_protocol import Run, send   # noqa: E402

output.install(_out_r, _err_r)
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
# The engine sends a run's request as soon as it reads `ready`: a kernel that has none by then is a spare, with time.
RUN_REQUEST_GRACE_SECONDS = 0.02
EAGER_SHELL = os.environ.get("AGB_PYTHON_SHELL") == "eager"   # tests compare both paths; the engine never sets it


def make_shell(light):
    """The shell's module is found by its path: user code's folder is on sys.path by then. The completer imports jedi,
    which the kernel does not use: hidden only while the shell loads, so user code can still import it."""
    hide_jedi = "jedi" not in sys.modules
    if hide_jedi:
        sys.modules["jedi"] = None
    try:
        spec = importlib.util.spec_from_file_location("agb_python_shell", os.path.join(HERE, "agb_python_shell.py"))
        module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.make_shell(light)
    finally:
        if hide_jedi:
            del sys.modules["jedi"]


def no_input(*args, **kwargs):
    raise EOFError("input() is not available: code runs without an interactive stdin")


agb_python_imports.defer_ipython_package()
from agb_python_light import LightShell   # noqa: E402

# As in a script: exit(n) raises SystemExit(n).
kernel = LightShell(make_shell, output.publish_result, output.exit_message, output.took_interrupt,
                    {"input": no_input, "exit": sys.exit, "quit": sys.exit})
sys.path[0] = ""   # like a notebook: imports resolve in the working directory
del sys.path[1]


def exit_code(failure):
    """The status `python3 x.py` would exit with after this SystemExit."""
    code = failure.code
    return 0 if code is None else int(code) & 0xFF if isinstance(code, int) else 1


def arm_interrupts(armed):
    """SIGINT raises KeyboardInterrupt only while a cell runs; one that arrives between cells is ignored."""
    signal.signal(signal.SIGINT, signal.default_int_handler if armed else signal.SIG_IGN)


def execute(request):
    run = Run(request)
    Run.current = run
    kernel.execution_count = run.execution_count
    kernel.begin_script(request.get("filename"))
    status = "ok"
    exited = None
    try:
        arm_interrupts(True)
        try:
            outcome = kernel.run_cell(request["code"])
        finally:
            arm_interrupts(False)
        if isinstance(outcome.error_in_exec, SystemExit):
            exited = exit_code(outcome.error_in_exec)
        if not outcome.success and exited != 0:
            status = "error"
    except KeyboardInterrupt:
        status = "error"
        output.publish_error("KeyboardInterrupt", "", [])
    output.flush_all()
    Run.current = None
    done = {"type": "done", "id": run.id, "status": status, "execution_count": run.execution_count}
    if exited is not None:
        done["exit_code"] = exited
    send(done)


def main():
    arm_interrupts(False)
    gc.freeze()
    gc.enable()
    if EAGER_SHELL:
        kernel.bring_up()
    send({"type": "ready", "language": "python", "runtime": f"Python {sys.version.split()[0]}"})
    if not protocol.request_waiting(RUN_REQUEST_GRACE_SECONDS):
        import IPython.core.splitinput  # noqa: F401   what a first one-line cell imports, loaded while a spare waits
    for request in protocol.requests():
        if request.get("type") == "execute":
            execute(request)


def run():
    try:
        main()
    except BaseException as failure:   # the driver itself failed: say why on the diagnostics channel
        protocol.diagnose(f"agb python driver failed: {failure!r}")
        raise
