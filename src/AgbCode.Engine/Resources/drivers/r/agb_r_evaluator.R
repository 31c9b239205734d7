## AgbCode R evaluator, started by agb_supervisor.py as R's binary with what `Rscript --vanilla agb_r_evaluator.R`
## would give it (arguments, and the variables of R's front end captured at install: RFrontEnd.cs), or through Rscript
## (docs/protocol.md, "Supervisor <-> evaluator"): fd 3 = requests, fd 4 = messages, fd 5 = acknowledgements, fd 1/2 =
## output relayed live, fd 0 = /dev/null.
##
## This file only wires the parts together. They are sourced into a private environment whose parent is the base
## environment, so nothing appears in the user's global environment and user definitions there (a variable named
## `send`, a function named `cat`) cannot change how the evaluator works:
##   agb_r_protocol.R  requests in, messages out, the request loop, compiling itself while idle (no .Rc)
##   agb_r_eval.R      running a cell: parsing, evaluation, warnings, errors, interrupts, quit()
##   agb_r_display.R   the main result's MIME bundle (print + repr) and plots as PNG
##   agb_r_scalar.R    the bundle of a bare scalar, without repr and jsonlite
## Each part is read from its byte-compiled .Rc when there is one.
local({
  ## The JIT off before anything runs: left on, it compiles this script's loops, and its first compile loads the
  ## compiler's code (30 ms of CPU before ready). User code runs with the user's level (see eval_top()).
  user_jit <- compiler::enableJIT(0L)
  script <- sub("^--file=", "", grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE))
  script <- normalizePath(gsub("~+~", " ", script[length(script)], fixed = TRUE))
  here <- dirname(script)
  ## fds 3 to 5 come from the supervisor. Were one of them closed, R would have opened this very script on that
  ## number: reading requests from it, or writing messages to it, must not happen.
  for (fd in 3:5) {
    target <- Sys.readlink(file.path("/proc/self/fd", fd))
    if (!nzchar(target) || identical(target, script)) {
      cat("agb_r_evaluator.R: fd ", fd, " is not open; start the evaluator with agb_supervisor.py\n", sep = "",
          file = stderr())
      quit(save = "no", status = 2L, runLast = FALSE)
    }
  }
  agb <- new.env(parent = baseenv())
  ## The parts as byte code (RDriver.Prepare compiles them when the engine installs its runtime folder); read as
  ## source when that failed, and then compiled while idle (see plan_warm_up()).
  parts <- c("agb_r_protocol.R", "agb_r_eval.R", "agb_r_display.R", "agb_r_scalar.R")
  compiled <- file.path(here, sub("\\.R$", ".Rc", parts))
  precompiled <- all(file.exists(compiled))
  for (i in seq_along(parts))
    if (precompiled) compiler::loadcmp(compiled[i], envir = agb) else
      sys.source(file.path(here, parts[i]), envir = agb, keep.source = FALSE)
  agb$kernel$user_jit <- user_jit
  if (!isTRUE(l10n_info()[["UTF-8"]]))
    invisible(Sys.setlocale("LC_CTYPE", "C.UTF-8"))
  if (!nzchar(Sys.getenv("XDG_CACHE_HOME")))   # fontconfig's cache: not in the home folder (the shared workspace)
    Sys.setenv(XDG_CACHE_HOME = file.path(tempdir(), "cache"))
  agb$install_quit_guard()
  agb$install_stderr_order()
  agb$create_last_warning()
  agb$setup_display()
  agb$plan_warm_up(agb, compile = !precompiled)
  agb$serve(runtime = paste("R", getRversion()))
  agb$kernel$quit(save = "no", status = 0L, runLast = FALSE)
})
