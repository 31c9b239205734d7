"""The Python kernel without IPython's shell: plain-Python cells run exactly as InteractiveShell.run_cell (IPython 8.5)
would run them, and the first cell or value that needs the shell brings it up, once.

Creating the shell costs most of a kernel's start (importing it ~145 ms of CPU, the instance ~50 ms), and a fresh
session that runs `print(...)` never needs it. The light path keeps everything the shell keeps between cells (the user
module and namespace, In/Out and the _i/_ names, the input transformer and the compiler: cell names, __future__ flags)
in the same objects the shell adopts when it comes up (agb_python_shell.make_shell), so a session cannot tell which path
ran a cell. What the light path does not do itself, it leaves to the shell: a cell the input transformer turns into
get_ipython() calls (magics, !commands, `x?`), a one-line cell that may be an automagic, a cell that does not compile or
needs await, any value but None, exact int/float/str/bool and exact list/tuple/dict/set of them, and any exception's
traceback; get_ipython(), display() and importing InteractiveShell's module bring it up too.
"""
import ast
import builtins
import importlib.util
import io
import keyword
import pathlib
import re
import signal
import sys
import threading
import tokenize
import types
import linecache

from agb_python_imports import builtin_hashes
with builtin_hashes():
    from IPython.core.compilerop import CachingCompiler
from IPython.core.inputtransformer2 import TransformerManager

from agb_python_output import too_large_to_show
from agb_python_values import json_of

EXIT_INPUT = re.compile(r"(exit|quit)(\s*\(.*\))?$")   # HistoryManager._exit_re: such cells are not stored in In
SCALARS = (int, float, str, bool)   # exact types whose text/plain is their repr in IPython's pretty printer
CONTAINERS = (list, tuple, dict, set, frozenset)   # exact types the pretty printer lays out itself
PLAIN_NODES = 10_000   # a larger container is left to the shell rather than walked twice
CACHE_SIZE = 1000                   # InteractiveShell.cache_size: from here on the shell culls Out
# What the shell puts in the namespace when it is made (init_user_ns, DisplayHook.__init__).
SHELL_NAMES = ("_ih", "_oh", "_dh", "In", "Out", "get_ipython", "exit", "quit", "_", "__", "___")


CO_COROUTINE = 0x0080   # inspect.CO_COROUTINE: importing inspect (and dis) for it costs about 4 ms of CPU at start


class ScriptCompiler(CachingCompiler):
    """A file run's cells are compiled under the script's name, so tracebacks say `File x.py:3`, not `Cell In [1]`."""
    script = None

    def cache(self, transformed_code, number=0, raw_code=None):
        name = super().cache(transformed_code, number, raw_code)
        if self.script is None:
            return name
        entry = linecache.cache.pop(name)
        self._filename_map.pop(name, None)
        linecache.cache[self.script] = linecache._ipython_cache[self.script] = (entry[0], None, entry[2], self.script)
        return self.script


class Outcome:
    """What run_cell returns: IPython's ExecutionResult as far as the driver reads it (the shell, once up, gets a real
    one: agb_python_shell.adopt)."""

    def __init__(self, raw_cell, execution_count):
        self.raw_cell = raw_cell
        self.execution_count = execution_count
        self.error_before_exec = None
        self.error_in_exec = None
        self.result = None

    @property
    def success(self):
        return self.error_before_exec is None and self.error_in_exec is None


def _plain_builtin(value):
    """True for None, an exact scalar, or an acyclic exact list/tuple/dict/set/frozenset of them (at most PLAIN_NODES
    values): what IPython's PlainTextFormatter prints with its default printers only, so the light path may too."""
    pending, seen, nodes = [value], set(), 0
    while pending:
        item = pending.pop()
        nodes += 1
        if nodes > PLAIN_NODES:
            return False
        kind = type(item)
        if item is None or kind in SCALARS:
            continue
        if kind not in CONTAINERS or id(item) in seen:
            return False
        seen.add(id(item))
        pending.extend(item.keys() if kind is dict else ())
        pending.extend(item.values() if kind is dict else item)
    return True


def _light_bundle(value):
    """text/plain as IPython's formatter makes it, and application/json when the value is plain data."""
    bundle = {"text/plain": repr(value) if type(value) in SCALARS else _pretty_text(value)}
    data = json_of(value)
    if data is not None:
        bundle["application/json"] = data
    return bundle


def _pretty_text(value):
    """text/plain as PlainTextFormatter.__call__ makes it with its defaults (IPython 8.5: pprint on, not verbose, 79
    columns, "\\n", MAX_SEQ_LENGTH, float_format "%r")."""
    from IPython.lib import pretty
    type_printers = pretty._type_pprinters.copy()
    type_printers[float] = lambda obj, p, cycle: p.text("%r" % obj)
    stream = io.StringIO()
    printer = pretty.RepresentationPrinter(stream, False, 79, "\n", max_seq_length=pretty.MAX_SEQ_LENGTH,
                                           singleton_pprinters=pretty._singleton_pprinters.copy(),
                                           type_pprinters=type_printers,
                                           deferred_pprinters=pretty._deferred_type_pprinters.copy())
    printer.pretty(value)
    printer.flush()
    return stream.getvalue()


class LightShell:
    """The session's Python state, and the runner of plain cells until the shell is up (then `shell`)."""

    def __init__(self, make_shell, publish_result, on_exit, on_interrupt, user_names):
        self._make_shell = make_shell          # (light) -> the shell, adopting this state
        self._publish_result = publish_result  # (bundle, execution_count): an execute_result
        self._on_exit = on_exit                # (SystemExit): what the shell's showtraceback does with it
        self._on_interrupt = on_interrupt      # (): a KeyboardInterrupt ends the cell, before the shell shows it
        self._making = False
        self.shell = None
        self.execution_count = 1
        self.exec_result = None
        self.compile = ScriptCompiler()
        self.input_transformer_manager = TransformerManager()
        cleanup = self.input_transformer_manager.cleanup_transforms
        self._blank_lines = cleanup[0] if cleanup and cleanup[0].__name__ == "leading_empty_lines" else None

        # As prepare_user_module, init_sys_modules, init_prompts and init_builtins make them.
        self.user_module = types.ModuleType(
            "__main__", doc="Automatically created module for IPython interactive environment")
        self.user_ns = self.user_module.__dict__
        self.user_ns.setdefault("__builtin__", builtins)
        self.user_ns.setdefault("__builtins__", builtins)
        sys.modules["__main__"] = self.user_module
        sys.ps1, sys.ps2, sys.ps3 = "In : ", "...: ", "Out: "
        builtins.__IPYTHON__ = True
        builtins.display = self._display_function

        # HistoryManager's and DisplayHook's state, adopted by the shell.
        self.input_hist_parsed = [""]
        self.input_hist_raw = [""]
        self.output_hist = {}
        self.dir_hist = [pathlib.Path.cwd()]
        self.input_names = {"_i00": "", "_i": "", "_ii": "", "_iii": ""}
        self.unders = {"_": "", "__": "", "___": ""}
        self.demand = self.get_ipython   # one object, so the shell can tell whether user code replaced it
        self.user_ns_hidden = {"_ih": self.input_hist_parsed, "_oh": self.output_hist, "_dh": self.dir_hist,
                               "In": self.input_hist_parsed, "Out": self.output_hist, "get_ipython": self.demand}
        self.user_ns.update(self.user_ns_hidden)   # init_user_ns
        self.user_ns.update(self.unders)           # DisplayHook.__init__
        self.user_ns.update(user_names)   # the driver's exit/quit/input: visible names, as it sets them on the shell
        # The driver's own functions among them (input): their frames are left out of the tracebacks of code that calls them.
        self.driver_code = frozenset(f.__code__ for f in user_names.values() if isinstance(f, types.FunctionType))

        import IPython.core.getipython as getipython   # libraries ask it for the shell to hook into: they get it
        getipython.get_ipython = self.demand
        sys.modules["IPython"].get_ipython = self.demand
        sys.meta_path.insert(0, _ShellOnImport(self))

    # ---- the shell, on demand ---------------------------------------------------------------------------------------

    def get_ipython(self):
        """IPython's get_ipython(), except that it brings the shell up (None while the shell is being made, as then)."""
        return None if self._making else self.bring_up()

    def _display_function(self, *objs, **kwargs):
        """The `display` builtin: IPython's display() prints plain text when no shell is up, so bring it up first."""
        self.bring_up()
        from IPython.core.display_functions import display
        return display(*objs, **kwargs)

    def bring_up(self):
        if self.shell is not None or self._making:
            return self.shell
        self._making = True
        pending = []
        previous = None   # an interrupt must not leave a half-made shell: it is raised once the shell is whole
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, lambda *_: pending.append(True))
        try:
            self.shell = self._make_shell(self)
        finally:
            self._making = False
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if pending and previous is signal.default_int_handler:
            raise KeyboardInterrupt
        return self.shell

    # ---- a cell -----------------------------------------------------------------------------------------------------

    def begin_script(self, filename):
        """A file run keeps its leading blank lines (line numbers are the file's) and its name (ScriptCompiler)."""
        self.compile.script = filename
        cleanup = self.input_transformer_manager.cleanup_transforms
        if self._blank_lines is None:
            return
        if filename is not None and self._blank_lines in cleanup:
            cleanup.remove(self._blank_lines)
        elif filename is None and self._blank_lines not in cleanup:
            cleanup.insert(0, self._blank_lines)

    def run_cell(self, raw_cell):
        if self.shell is not None:
            self.shell.execution_count = self.execution_count
            return self.shell.run_cell(raw_cell, store_history=True)
        outcome = Outcome(raw_cell, self.execution_count)
        if not raw_cell or raw_cell.isspace():
            return outcome
        with self._builtin_trap():
            plan = self._plan(raw_cell)
        if plan is None:
            self.bring_up()
            return self.run_cell(raw_cell)
        cell, codes = plan
        self._store_inputs(cell, raw_cell)
        self.exec_result = outcome
        try:
            with self._builtin_trap(), self._display_trap():
                for code in codes:
                    if self._run_code(code):
                        break
        finally:
            outcome, self.exec_result = self.exec_result, None   # the shell's ExecutionResult if it came up meanwhile
            self.execution_count += 1
        return outcome if self.shell is None else self._finish_in_shell(outcome)

    def _plan(self, raw_cell):
        """(transformed cell, code objects) as IPython would compile them, or None for a cell the shell must run."""
        try:
            cell = self.input_transformer_manager.transform_cell(raw_cell)
        except Exception:
            return None
        if "get_ipython" in cell:   # magics, !commands and help became calls into the shell
            return None
        if len(cell.splitlines()) == 1:   # transform_cell's prefilter step, for one-line cells only
            if self._prefilter_needs_shell(cell.rstrip("\n")):
                return None
            cell = cell.rstrip("\n") + "\n"
        name = self.compile.cache(cell, self.execution_count, raw_code=raw_cell)
        flags = self.compile.flags
        try:
            nodes = self.compile.ast_parse(cell, filename=name).body
            codes = [self._compile(node, name, single=index == len(nodes) - 1 and isinstance(node, ast.Expr))
                     for index, node in enumerate(nodes)]
        except Exception:   # nothing ran: the shell reports it, from the same compiler state
            self.compile.flags = flags
            return None
        if any(code.co_flags & CO_COROUTINE for code in codes):   # top-level await: the shell's loop runner
            self.compile.flags = flags
            return None
        return cell, codes

    def _compile(self, node, name, single):
        """run_ast_nodes with ast_node_interactivity 'last_expr': the last node, an expression, in 'single' mode (it
        calls sys.displayhook), the others as modules; top-level await allowed, as IPython's autoawait compiles."""
        module = ast.Interactive([node]) if single else ast.Module([node], [])
        with self.compile.extra_flags(ast.PyCF_ALLOW_TOP_LEVEL_AWAIT):
            return self.compile(module, name, "single" if single else "exec")

    def _prefilter_needs_shell(self, line):
        """PrefilterManager's checkers in order: a macro or an IPyAutocall object, or a name that may be an automagic
        (the magic table is the shell's); assignments and everything else are left as they are. Only one-line cells get
        here: a kernel started for a file of several lines never imports the splitter (platform, locale: ~5 ms); one
        with time to spare before its first request imports it then (agb_python_kernel.main)."""
        from IPython.core.splitinput import LineInfo
        info = LineInfo(line)
        value = self.user_ns.get(info.ifun)
        for module, name in (("IPython.core.macro", "Macro"), ("IPython.core.autocall", "IPyAutocall")):
            loaded = sys.modules.get(module)
            if loaded is not None and isinstance(value, getattr(loaded, name)):
                return True
        if info.the_rest and info.the_rest[0] in "=,":
            return False
        return info.ifun.isidentifier() and not self._shadowed(info.ifun)

    def _shadowed(self, name):
        return name in self.user_ns or name in builtins.__dict__ or keyword.iskeyword(name)

    def _run_code(self, code):
        """InteractiveShell.run_code: True when the code raised. The exception is caught in this frame, which calls
        exec as run_code does, so the shell's traceback skips it as it skips its own (tb_offset 1)."""
        excepthook, sys.excepthook = sys.excepthook, self._excepthook
        try:
            try:
                exec(code, self.user_ns, self.user_ns)
            finally:
                sys.excepthook = excepthook
        except SystemExit as failure:
            self.exec_result.error_in_exec = failure
            self._on_exit(failure)
        except BaseException as failure:
            self.exec_result.error_in_exec = failure
            if isinstance(failure, KeyboardInterrupt):
                self._on_interrupt()
            bdb = sys.modules.get("bdb")
            if bdb is None or not isinstance(failure, bdb.BdbQuit):
                self.bring_up().showtraceback(running_compiled_code=True)
        else:
            return False
        return True

    def _excepthook(self, *exc_info):
        self.bring_up().excepthook(*exc_info)

    def _finish_in_shell(self, result):
        """The shell came up during this run: it ends as run_cell ends (post_execute draws inline figures)."""
        self.shell.last_execution_succeeded = result.success
        self.shell.last_execution_result = result
        self.shell.execution_count = self.execution_count
        self.shell.displayhook.exec_result = None
        self.shell.events.trigger("post_execute")
        self.shell.events.trigger("post_run_cell", result)
        return result

    # ---- history and display (HistoryManager.store_inputs, DisplayHook) ---------------------------------------------

    def _push(self, names):
        """InteractiveShell.push(names, interactive=False)."""
        self.user_ns.update(names)
        self.user_ns_hidden.update(names)

    def _store_inputs(self, cell, raw_cell):
        source, source_raw = cell.rstrip("\n"), raw_cell.rstrip("\n")
        if EXIT_INPUT.match(source_raw.strip()):
            return
        self.input_hist_parsed.append(source)
        self.input_hist_raw.append(source_raw)
        names = self.input_names
        names["_iii"], names["_ii"], names["_i"], names["_i00"] = names["_ii"], names["_i"], names["_i00"], source_raw
        self._push({"_i": names["_i"], "_ii": names["_ii"], "_iii": names["_iii"],
                    f"_i{self.execution_count}": source_raw})

    def _display_hook(self, result=None):
        """sys.displayhook during a run: DisplayHook.__call__ for what IPython formats as repr, else the shell's."""
        if self.shell is not None:
            return self.shell.displayhook(result)
        self._check_for_underscore()
        if result is None or self._quiet():
            return
        if not _plain_builtin(result) or len(self.user_ns["_oh"]) >= CACHE_SIZE:
            return self.bring_up().displayhook(result)
        bundle = None if too_large_to_show(result) else _light_bundle(result)
        self._update_user_ns(result)
        if self.exec_result is not None:
            self.exec_result.result = result
        if bundle is not None:
            self._publish_result(bundle, self.execution_count)

    def _check_for_underscore(self):
        """A `_` in builtins (gettext) wins over the automatic one."""
        if "_" in builtins.__dict__ and self.user_ns.get("_", self) is self.unders["_"]:
            del self.user_ns["_"]

    def _quiet(self):
        """A trailing `;` on the last stored input silences the result."""
        tokens = list(tokenize.generate_tokens(io.StringIO(self.input_hist_parsed[-1]).readline))
        for token in reversed(tokens):
            if token[0] in (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            return token[0] == tokenize.OP and token[1] == ";"
        return False

    def _update_user_ns(self, result):
        """_, __, ___ (unless user code assigned one of them, or builtins has `_`), _N and Out[N]; none for Out itself
        (IPython avoids the cycle)."""
        if result is self.user_ns["_oh"]:
            return
        unders = self.unders
        update_unders = all(unders[name] is self.user_ns.get(name) for name in unders if name in self.user_ns)
        unders["___"], unders["__"], unders["_"] = unders["__"], unders["_"], result
        if "_" not in builtins.__dict__ and update_unders:
            self._push(dict(unders))
        self._push({f"_{self.execution_count}": result})
        self.user_ns["_oh"][self.execution_count] = result

    # ---- traps: what the shell installs only while a cell runs (BuiltinTrap, DisplayTrap) ---------------------------

    def _builtin_trap(self):
        return _Trap(builtins.__dict__, {"get_ipython": self.demand, "exit": _HIDDEN, "quit": _HIDDEN})

    def _display_trap(self):
        return _Trap(sys.__dict__, {"displayhook": self._display_hook})


class _ShellOnImport:
    """Code that imports InteractiveShell's module (IPython.display's display(), publish_display_data, anything that
    calls InteractiveShell.instance() or .initialized()) expects the shell: it comes up as soon as that module has
    loaded, unless the module is loading for the shell itself."""

    def __init__(self, light):
        self._light = light

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "IPython.core.interactiveshell":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        spec.loader = _ThenBringUp(spec.loader, self._light)
        return spec


class _ThenBringUp:
    def __init__(self, loader, light):
        self._loader = loader
        self._light = light

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        self._light.bring_up()


_HIDDEN = object()
_ABSENT = object()


class _Trap:
    """Sets names in a namespace (or hides them, _HIDDEN) for a with block, and puts back what was there."""

    def __init__(self, namespace, names):
        self._namespace = namespace
        self._names = names
        self._saved = {}

    def __enter__(self):
        for name, value in self._names.items():
            self._saved[name] = self._namespace.get(name, _ABSENT)
            if value is _HIDDEN:
                self._namespace.pop(name, None)
            else:
                self._namespace[name] = value
        return self

    def __exit__(self, *exc_info):
        for name, value in self._saved.items():
            if value is _ABSENT:
                self._namespace.pop(name, None)
            else:
                self._namespace[name] = value
        return False
