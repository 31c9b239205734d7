"""The kernel imports the parts of IPython it runs cells with, without the costly imports they would bring along and
never use: the package's __init__ (the terminal shell) and, for the compiler's cell names, OpenSSL. User code that
imports either later gets the real thing."""
import contextlib
import importlib.util
import sys


def defer_ipython_package():
    """IPython's package __init__ imports the terminal shell (prompt_toolkit): most of a cold start (python3 -X
    importtime), and the kernel does not use it. The package is registered without running its __init__ (IPython's own
    modules only take get_ipython from it); user code that reaches for anything else on it (IPython.__version__,
    IPython.embed) runs the real __init__ then."""
    spec = importlib.util.find_spec("IPython")
    package = importlib.util.module_from_spec(spec)

    def complete(name):
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = complete
    sys.modules["IPython"] = package


@contextlib.contextmanager
def builtin_hashes():
    """Imports in this block get a hashlib of Python's built-in hashes: IPython's compiler names each cell by a SHA-1 of
    its code (the same digest either way), and hashlib's import of _hashlib loads OpenSSL, about 4 ms of CPU at every
    start. That hashlib stays with the modules imported here; the next `import hashlib` (user code, the shell) gets the
    full one, with OpenSSL."""
    if "hashlib" in sys.modules or "_hashlib" in sys.modules:
        yield
        return
    sys.modules["_hashlib"] = None   # hashlib's own fallback: `import _hashlib` fails, the built-in hashes serve
    try:
        yield
    finally:
        del sys.modules["_hashlib"]
        sys.modules.pop("hashlib", None)
