## Runs one cell in the global environment, as the R console would run the same lines.
##
## - The whole cell is parsed first; a syntax error runs nothing (error "parseError").
## - Each top-level expression is evaluated with withVisible(eval(expr, .GlobalEnv)). Output is not captured: cat(),
##   print() and child processes write straight to fd 1 (R flushes its stdout after every write), message() to fd 2,
##   so the supervisor relays everything live.
## - Visible values auto-print as at the console. The value of the cell's last expression, when visible, is the main
##   result (execute_result, with text/html etc. from repr); visible values of earlier expressions are printed to
##   stdout, as the console prints them.
## - message() text, warnings and the user's own writes to stderr (cat(file = stderr()), writeLines, write) reach stderr
##   in order with stdout (write_stderr(), install_stderr_order()).
## - Warnings (options(warn = 0)) are printed to stderr after the top-level expression that raised them, formatted as
##   the console does ("Warning message:" / "Warning messages:"), and kept for warnings(); warn = 1 prints them at
##   once, warn = 2 turns them into errors (R's own handling).
## - An error ends the cell: code after it does not run, output before it stays. It is reported with the condition's
##   class (e.g. simpleError, or a custom class), its message, and the console's "Error in call : message" line plus
##   a "Calls:" line as Rscript prints it. The line names where the error happened as options(show.error.locations =
##   TRUE) does ("Error in f() (from x.R#3) : boom"): the innermost call written in user code, else the top-level
##   expression; "x.R#3" in a file run, "line 3" in a snippet ("cell 5, line 3" for code of an earlier cell). A SIGINT interrupts the cell the same way (ename "interrupt"); the global
##   environment is kept.
## - quit()/q() do not end the kernel: they are replaced in the base environment by a function that skips the rest
##   of the cell and reports its status as the run's exit code (done's exit_code; 0 is a success, as for Rscript).
##   Only code that bypasses them (.Internal(quit(...)), killing the process) ends it.
##   invokeRestart("abort"), which would end a non-interactive R, ends the cell with an error "abort".

## The call that evaluates user code, as conditions raised at the cell's top level report it. The console reports no
## call there, so it is dropped ("Error: boom", not "Error in eval(expr, .GlobalEnv) : boom").
TOP_LEVEL_CALL <- quote(eval(expr, .GlobalEnv))

## R's JIT compiles a closure when it runs for the second time; for the evaluator's own functions that cost about
## 40 ms in the first cells (and before ready). So the evaluator runs with the JIT off and user code with the user's
## level: R's default (3), or whatever compiler::enableJIT() in a cell set.
kernel$user_jit <- 3L

eval_top <- function(expr) {
  compiler::enableJIT(kernel$user_jit)
  on.exit(kernel$user_jit <- compiler::enableJIT(0L))
  withVisible(eval(expr, .GlobalEnv))
}

user_call <- function(call) if (identical(call, TOP_LEVEL_CALL)) NULL else call

## ---- quit() -----------------------------------------------------------------------------------------------------

install_quit_guard <- function() {
  kernel$quit <- base::quit
  guard <- function(save = "default", status = 0, runLast = TRUE) {
    if (!is.null(findRestart("agbQuit")))
      invokeRestart("agbQuit", status)
    kernel$quit(save = save, status = status, runLast = runLast)
  }
  for (name in c("quit", "q")) {
    unlockBinding(name, baseenv())
    assign(name, guard, envir = baseenv())
    lockBinding(name, baseenv())
  }
}

## ---- warnings ---------------------------------------------------------------------------------------------------

cell <- new.env(parent = emptyenv())

reset_cell <- function(count) {
  cell$count <- count
  cell$warnings <- list()   # list(call, message) of this top-level expression's deferred warnings
  cell$warning_count <- 0L
  cell$calls <- NULL        # the calls leading to the last error
  cell$expression <- NULL   # the srcref of the top-level expression being evaluated
  cell$where <- NULL        # the srcref where the last error happened
}

## R creates base's last.warning (read by warnings()) only when it prints deferred warnings itself; base refuses new
## bindings from R code, so let R create it once, silently.
create_last_warning <- function() {
  if (exists("last.warning", envir = baseenv(), inherits = FALSE))
    return(invisible())
  sink_to <- file(nullfile(), open = "w")
  sink(sink_to, type = "message")
  on.exit({ sink(type = "message"); close(sink_to) })
  withCallingHandlers(warning("agb"), warning = function(w) NULL)
  .Internal(printDeferredWarnings())
}

on_warning <- function(w) {
  level <- suppressWarnings(as.integer(getOption("warn", 0L))[1L])
  if (is.na(level) || level >= 2L || level < 0L || is.null(findRestart("muffleWarning")))
    return()   # R's own handling: an error (warn >= 2), nothing (warn < 0); no restart: not a warning() call
  call <- user_call(conditionCall(w))
  message <- conditionMessage(w)
  if (level == 1L) {
    write_stderr(immediate_warning(call, message))
  } else {
    cell$warning_count <- cell$warning_count + 1L
    if (length(cell$warnings) < max(1L, as.integer(getOption("nwarnings", 50L))))
      cell$warnings[[length(cell$warnings) + 1L]] <- list(call = call, message = message)
  }
  invokeRestart("muffleWarning")
}

deparse_call <- function(call) deparse(call, nlines = 1L, width.cutoff = 500L)[1L]

width <- function(text) {
  w <- nchar(text, type = "width", allowNA = TRUE)
  if (is.na(w)) nchar(text, type = "bytes") else w
}

first_line <- function(text) strsplit(text, "\n", fixed = TRUE)[[1L]][1L]

immediate_warning <- function(call, message) {
  if (is.null(call))
    return(paste0("Warning: ", message, "\n"))
  dcall <- deparse_call(call)
  paste0("Warning in ", dcall, " :", if (18L + width(dcall) + width(first_line(message)) > 75L) "\n " else "",
         " ", message, "\n")
}

## Prints the deferred warnings as R's PrintWarnings() does, and makes them what warnings() shows.
show_warnings <- function() {
  if (!cell$warning_count)
    return(invisible())
  found <- cell$warnings
  count <- cell$warning_count
  cell$warnings <- list()
  cell$warning_count <- 0L
  item <- function(w, prefix, extra) {
    if (is.null(w$call))
      return(paste0(prefix, w$message, " \n"))
    dcall <- deparse_call(w$call)
    paste0(prefix, "In ", dcall, " :", if (extra + width(dcall) + width(first_line(w$message)) > 75L) "\n " else "",
           " ", w$message, "\n")
  }
  text <- if (count == 1L) {
    paste0("Warning message:\n", item(found[[1L]], "", 6L))
  } else if (count <= 10L) {
    paste0("Warning messages:\n", paste0(vapply(seq_along(found), function(i) item(found[[i]], paste0(i, ": "), 10L), ""),
                                          collapse = ""))
  } else if (count < max(1L, as.integer(getOption("nwarnings", 50L)))) {
    sprintf("There were %d warnings (use warnings() to see them)\n", count)
  } else {
    sprintf("There were %d or more warnings (use warnings() to see the first %d)\n", length(found), length(found))
  }
  write_stderr(text)
  if (exists("last.warning", envir = baseenv(), inherits = FALSE))
    assign("last.warning", structure(lapply(found, `[[`, "call"), names = vapply(found, `[[`, "", "message")),
           envir = baseenv())
  invisible()
}

## message() to the console's stderr, in order with stdout (see write_stderr()); a user's sink of messages keeps them.
on_message <- function(m) {
  if (sink.number(type = "message") != 2L || is.null(findRestart("muffleMessage")))
    return()
  write_stderr(conditionMessage(m))
  invokeRestart("muffleMessage")
}

## ---- errors -----------------------------------------------------------------------------------------------------

## Calling handler: remembers the user's part of the call stack (after the evaluator's eval(), before stop()).
on_error <- function(e) {
  calls <- sys.calls()
  top <- which(vapply(calls, identical, NA, TOP_LEVEL_CALL))
  if (!length(top))
    return()
  user <- calls[seq.int(max(top) + 1L, length.out = max(0L, length(calls) - max(top) - 1L))]   # minus this handler
  names <- vapply(user, function(call) {
    fun <- call[[1L]]
    if (is.symbol(fun)) as.character(fun) else if (is.call(fun) && deparse_call(fun[[1L]]) %in% c("::", ":::"))
      deparse_call(fun) else "<Anonymous>"
  }, "")
  stop_at <- which(names %in% c("stop", ".handleSimpleError", "signalCondition", "warning", ".signalSimpleWarning"))
  keep <- if (length(stop_at)) seq_len(stop_at[1L] - 1L) else seq_along(names)
  cell$calls <- list(calls = user[keep], names = names[keep])
  cell$where <- innermost_srcref(user[seq_len(if (length(stop_at)) stop_at[1L] else length(user))])
}

## The srcref of the innermost call that user code wrote (calls carry one when their source was parsed with srcrefs).
innermost_srcref <- function(calls) {
  for (call in rev(calls))
    if (!is.null(ref <- attr(call, "srcref")))
      return(ref)
  NULL
}

## A srcref as the error line names it: "x.R#3" in a script, "line 3" in this snippet, "cell 5, line 3" in an earlier one.
location <- function(ref) {
  source <- attr(ref, "srcfile")
  line <- ref[[1L]]
  if (!is.environment(source) || is.null(source$agb_cell) || !identical(source$filename, SNIPPET))
    return(paste0(if (is.environment(source)) basename(source$filename) else "", "#", line))
  if (identical(source$agb_cell, cell$count)) paste0("line ", line) else paste0("cell ", source$agb_cell, ", line ", line)
}

## The console's report of an uncaught error, as lines.
error_lines <- function(e) {
  message <- tryCatch(conditionMessage(e), error = function(x) "")
  call <- user_call(conditionCall(e))
  ref <- if (is.null(cell$where)) cell$expression else cell$where
  where <- if (is.null(ref)) "" else paste0(" (from ", location(ref), ")")
  if (is.null(call) && !nzchar(where)) {
    head <- "Error: "
  } else {
    dcall <- if (is.null(call)) "" else paste0(" in ", deparse_call(call))
    head <- paste0("Error", dcall, where, " : ",
                   if (6L + width(dcall) + width(where) + width(first_line(message)) > 75L) "\n  " else "")
  }
  lines <- strsplit(paste0(head, message), "\n", fixed = TRUE)[[1L]]
  trail <- cell$calls
  if (!is.null(trail) && length(trail$names) &&
      !(length(trail$names) == 1L && identical(trail$calls[[1L]], call))) {
    names <- trail$names
    if (length(names) > 30L)
      names <- c("...", names[seq.int(length(names) - 24L, length(names))])
    lines <- c(lines, paste0("Calls: ", paste(names, collapse = " -> ")))
  }
  lines
}

send_error <- function(ename, evalue, traceback) {
  kernel$error_sent <- TRUE
  send(list(type = "error", ename = ename, evalue = evalue, traceback = as.list(as.character(traceback))))
}

send_interrupted <- function() {
  send_error("interrupt", "interrupted (SIGINT)", "interrupt: the cell was interrupted (SIGINT); later code did not run")
}

## ---- cells ------------------------------------------------------------------------------------------------------

set_last_value <- function(value) {
  unlockBinding(".Last.value", baseenv())
  assign(".Last.value", value, envir = baseenv())
  lockBinding(".Last.value", baseenv())
}

SNIPPET <- "<text>"   # the source name of code without a file, as parse(text =) names it

## Line ends may be CRLF (a client on Windows): R's parser only takes LF. A file run's code is parsed under the
## script's name, so parse errors and srcrefs say "x.R:3:5", not "<text>:3:5". The source remembers its cell, so an
## error in a function defined by an earlier snippet can say which.
parse_cell <- function(code, filename = NULL, count = NULL) {
  code <- gsub("\r\n?", "\n", code)
  source <- srcfilecopy(if (is.null(filename)) SNIPPET else filename, strsplit(code, "\n", fixed = TRUE)[[1L]])
  source$agb_cell <- count
  tryCatch(parse(text = code, keep.source = TRUE, srcfile = source, encoding = "UTF-8"), error = function(e) e)
}

## Runs a request's code; sends its display_data, execute_result and error messages; returns "ok" or "error".
run_cell <- function(code, filename = NULL, execution_count = NULL) {
  exprs <- parse_cell(code, filename, execution_count)
  if (inherits(exprs, "error")) {
    message <- conditionMessage(exprs)
    send_error("parseError", message, c(paste0("Error: ", first_line(message)), strsplit(message, "\n")[[1L]][-1L]))
    return("error")
  }
  reset_cell(execution_count)
  result <- NULL
  refs <- attr(exprs, "srcref")
  count <- length(exprs)
  outcome <- withRestarts(
    tryCatch(
      withCallingHandlers({
        for (i in seq_len(count)) {
          cell$expression <- refs[[i]]
          value <- eval_top(exprs[[i]])
          set_last_value(value$value)
          if (value$visible) {
            if (i == count) result <- value_bundle(value$value) else print_value(value$value)
          }
          show_warnings()
          plot_checkpoint()
        }
        "ok"
      }, warning = on_warning, message = on_message, error = on_error),
      error = function(e) e,
      interrupt = function(e) e),
    agbQuit = function(status) structure("quit", status = status),
    abort = function() "abort")   # invokeRestart("abort") would otherwise end Rscript ("Execution halted")
  show_warnings()
  finish_plots()
  if (inherits(outcome, "interrupt")) {
    send_interrupted()
    return("error")
  }
  if (inherits(outcome, "error")) {
    send_error(class(outcome)[1L], tryCatch(conditionMessage(outcome), error = function(e) ""), error_lines(outcome))
    return("error")
  }
  if (identical(outcome, "abort")) {
    send_error("abort", "the cell was aborted (invokeRestart(\"abort\"))",
               "abort: the cell was aborted (invokeRestart(\"abort\")); later code did not run")
    return("error")
  }
  if (inherits(outcome, "character") && identical(as.vector(outcome), "quit")) {
    kernel$exit_code <- exit_status(attr(outcome, "status"))
    return(if (kernel$exit_code == 0L) "ok" else "error")
  }
  if (!is.null(result))
    send(list(type = "execute_result", data = result))
  "ok"
}

## The status Rscript would exit with after quit(status = status): a whole number, else 0 as R's quit() does.
exit_status <- function(status) {
  status <- suppressWarnings(as.integer(status)[1L])
  if (length(status) != 1L || is.na(status)) 0L else status
}
