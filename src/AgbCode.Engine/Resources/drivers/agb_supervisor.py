"""The supervisor's command, `agb_supervisor.py EVALUATOR_ARGV...` (LanguageDriver.Supervised): the supervisor is
agb_supervision, imported rather than run as this script, because a script is compiled at every start (about 1.3 ms of
CPU) while a module's byte code was compiled when the runtime was installed (PythonDriver.Prepare)."""
import os
import sys

sys.path[0] = os.path.dirname(os.path.abspath(__file__))
import agb_supervision   # noqa: E402

agb_supervision.main()
