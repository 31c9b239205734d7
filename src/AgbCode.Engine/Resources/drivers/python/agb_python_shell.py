"""IPython's InteractiveShell behind the engine's protocol, made on demand (agb_python_light.LightShell.bring_up):
it adopts the light kernel's namespace, history, compiler and input transformer, so cells run before it came up are
In[1], _i1, Out[1] … to it as if it had run them."""
import sys

from traitlets.config import Config
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
import IPython.core.interactiveshell as ipython_shell

from agb_python_light import SHELL_NAMES
from agb_python_output import publish_display, publish_error, publish_result, exit_message, too_large_to_show, took_interrupt
from agb_python_values import json_of


class AgbDisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        publish_display(data, metadata)

    def clear_output(self, wait=False):
        pass


class AgbDisplayHook(DisplayHook):
    def compute_format_data(self, result):
        if too_large_to_show(result):
            return {}, {}
        format_dict, md_dict = super().compute_format_data(result)
        if "application/json" not in format_dict:
            data = json_of(result)
            if data is not None:
                format_dict["application/json"] = data
        return format_dict, md_dict

    def start_displayhook(self):
        self._bundle = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self._bundle = format_dict

    def finish_displayhook(self):
        if self._bundle:
            publish_result(self._bundle, self.prompt_count)
        self._bundle = None


def _end_in_user_code(failure, driver_code):
    """A traceback ends where user code called the driver (input()), not in the driver's frame."""
    tb = getattr(failure, "__traceback__", None)
    while tb is not None and tb.tb_next is not None:
        if tb.tb_next.tb_frame.f_code in driver_code:
            tb.tb_next = None
            return
        tb = tb.tb_next


class AgbShell(InteractiveShell):
    driver_code = frozenset()

    def enable_gui(self, gui=None):
        pass

    def _showtraceback(self, etype, evalue, stb):
        publish_error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

    def ask_exit(self):
        pass   # `exit` in a cell must not end the kernel

    def showtraceback(self, exc_tuple=None, *args, **kwargs):
        failure = (exc_tuple or sys.exc_info())[1]
        if isinstance(failure, SystemExit):
            exit_message(failure)   # an exit is the program's verdict, not an error: execute() reports its code
            return
        if isinstance(failure, KeyboardInterrupt):
            took_interrupt()
        _end_in_user_code(failure, self.driver_code)
        super().showtraceback(exc_tuple, *args, **kwargs)


def _warn_unless_exit_hint(message, *args, **kwargs):
    """IPython answers SystemExit with "To exit: use 'exit', 'quit', or Ctrl-D.": not for a script that exits."""
    if not str(message).startswith("To exit: use"):
        _ipython_warn(message, *args, **kwargs)


_ipython_warn = ipython_shell.warn
ipython_shell.warn = _warn_unless_exit_hint


def make_shell(light):
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    config.InteractiveShell.autocall = 0
    config.InteractiveShell.xmode = "Plain"
    before = {name: light.user_ns[name] for name in SHELL_NAMES if name in light.user_ns}
    shell = AgbShell.instance(config=config, user_module=light.user_module,
                              displayhook_class=AgbDisplayHook, display_pub_class=AgbDisplayPublisher)
    adopt(shell, light, before)
    return shell


def adopt(shell, light, before):
    """The shell takes over the light kernel's state; the names it put in the namespace keep the values user code gave
    them (or stay deleted), as if the shell had been there from the start."""
    installed = {name: shell.user_ns_hidden[name] for name in ("get_ipython", "exit", "quit")}
    shell.user_ns_hidden.clear()
    shell.user_ns_hidden.update(light.user_ns_hidden)
    shell.user_ns_hidden.update(installed)
    for name in SHELL_NAMES:
        if name not in before:
            shell.user_ns.pop(name, None)
        elif before[name] is not light.demand:
            shell.user_ns[name] = before[name]
    history = shell.history_manager
    history.input_hist_parsed = light.input_hist_parsed
    history.input_hist_raw = light.input_hist_raw
    history.output_hist = light.output_hist
    history.dir_hist = light.dir_hist
    for name, value in light.input_names.items():
        setattr(history, name, value)
    for name, value in light.unders.items():
        setattr(shell.displayhook, name, value)
    if light.exec_result is not None:   # the shell comes up during a run: the rest of it fills an ExecutionResult
        light.exec_result = shell.displayhook.exec_result = execution_result(light.exec_result)
    shell.compile = light.compile
    shell.driver_code = light.driver_code
    shell.input_transformer_manager = light.input_transformer_manager
    shell.execution_count = light.execution_count


def execution_result(outcome):
    result = ipython_shell.ExecutionResult(ipython_shell.ExecutionInfo(outcome.raw_cell, True, False, True, None))
    result.execution_count = outcome.execution_count
    result.error_in_exec = outcome.error_in_exec
    result.result = outcome.result
    return result
