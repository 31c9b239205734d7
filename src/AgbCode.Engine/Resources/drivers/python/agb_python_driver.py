"""The Python kernel's command (PythonDriver.Command): the kernel is agb_python_kernel, imported rather than run as this
script, because a script is compiled at every start (about 1.3 ms of CPU) while a module's byte code was compiled when
the runtime was installed (PythonDriver.Prepare)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[0] = os.path.dirname(HERE)   # the drivers folder: agb_protocol
sys.path.insert(1, HERE)              # this folder: the kernel's modules, until user code runs (agb_python_kernel)
import agb_python_kernel   # noqa: E402

agb_python_kernel.run()
