## Protocol I/O of the R evaluator (docs/protocol.md, "Supervisor <-> evaluator"): requests arrive on fd 3 as one JSON
## object per line ({"code", "execution_count"}); messages leave on fd 4, one JSON object per line (ready,
## display_data, execute_result, error, done). Before each message the console is flushed, so the supervisor relays
## the output printed before it first. Sourced into the evaluator's private environment (parent: baseenv()).

channels <- new.env(parent = emptyenv())

kernel <- new.env(parent = emptyenv())
kernel$in_flight <- FALSE    # a request is running and its done is still owed
kernel$error_sent <- FALSE   # the running request has sent its error
kernel$exit_code <- NULL     # the status the running request's quit() asked for

## A connection this module opened, reopened if user code closed it (closeAllConnections()) or its slot now holds
## another connection. fds 3 and 4 themselves stay open: R only ever opened /dev/fd/N, a new descriptor for them.
channel <- function(name, path, open) {
  con <- channels[[name]]
  intact <- !is.null(con) && isTRUE(tryCatch(isOpen(con) && summary(con)$description == path,
                                             error = function(e) FALSE))
  if (!intact)
    con <- channels[[name]] <- open(path)
  con
}

requests <- function() channel("requests", "/dev/fd/3", function(path) file(path, open = "r", raw = TRUE))
messages <- function() channel("messages", "/dev/fd/4", function(path) file(path, open = "a", raw = TRUE))
acks <- function() channel("acks", "/dev/fd/5", function(path) file(path, open = "r", raw = TRUE))
## The same pipe opened again without blocking (a separate open file description): only used to see whether a
## request is waiting while the kernel warms up (see warm_up()). It reads a byte at a time, so it is not used otherwise.
peeker <- function() channel("peek", "/dev/fd/3", function(path) fifo(path, open = "r", blocking = FALSE))

## The next request line, or character(0) at end of file (the supervisor closed the channel). Blocks; a SIGINT that
## arrives meanwhile stays pending in R and is discarded by the caller (see serve_one()).
read_line <- function() {
  if (!is.null(line <- channels$pending)) {
    channels$pending <- NULL
    return(line)
  }
  peek <- channels$peek
  if (!is.null(peek) && isTRUE(tryCatch(pushBackLength(peek) > 0L, error = function(e) FALSE))) {
    ## request_waiting() saw the start of this line: the rest follows at once (the supervisor writes whole lines).
    give_up <- elapsed() + 60
    repeat {
      line <- readLines(peek, n = 1L, warn = FALSE, encoding = "UTF-8")
      if (length(line) || elapsed() > give_up)
        return(line)
      Sys.sleep(0.001)
    }
  }
  readLines(requests(), n = 1L, warn = FALSE, encoding = "UTF-8")
}

## Whether a request is waiting (or arriving), without blocking; a complete line read here is kept for read_line().
request_waiting <- function() {
  if (!is.null(channels$pending))
    return(TRUE)
  peek <- peeker()
  line <- readLines(peek, n = 1L, warn = FALSE, encoding = "UTF-8")
  if (length(line) && nzchar(line)) {
    channels$pending <- line
    return(TRUE)
  }
  pushBackLength(peek) > 0L
}

elapsed <- function() proc.time()[["elapsed"]]

flush_console <- function() {
  flush(stdout())
  flush(stderr())
}

## Writes one message. The line is written with interrupts held back, so a SIGINT can never cut a message in two.
send <- function(message) {
  line <- json(message)
  flush_console()
  suspendInterrupts({
    con <- messages()
    writeLines(line, con, useBytes = TRUE)
    flush(con)
  })
  invisible()
}

## Writes text to stderr in order with stdout: R's stdout and stderr are two pipes, and the supervisor cannot tell which
## was written first. So R asks the supervisor to relay what is in the pipes (sync, answered on fd 5) before the text,
## and again after it, before anything printed later can overtake it.
write_stderr <- function(text) {
  if (!length(text) || !nzchar(text <- paste(text, collapse = "")))
    return(invisible())
  suspendInterrupts({
    sync_pipes()
    kernel$cat(text, file = stderr())
    sync_pipes()
  })
  invisible()
}

## The user's own writes to stderr (cat(file = stderr()), writeLines(con = stderr()), and write() and print methods,
## which call cat) would go straight to fd 2 without that sync and overtake stdout printed before them. So base's cat
## and writeLines are replaced by the same functions that, for a write to the stderr connection, sync before and after.
install_stderr_order <- function() {
  kernel$cat <- base::cat
  in_order_for_stderr("cat", "file")
  in_order_for_stderr("writeLines", "con")
}

in_order_for_stderr <- function(name, connection) {
  original <- get(name, envir = baseenv())
  ordered <- original
  body(ordered) <- bquote({
    if (.(is_stderr)(.(as.name(connection))))
      return(.(synced)(function() .(body(original))))
    .(body(original))
  })
  unlockBinding(name, baseenv())
  assign(name, ordered, envir = baseenv())
  lockBinding(name, baseenv())
}

is_stderr <- function(con) inherits(con, "connection") && identical(as.integer(con), 2L)

synced <- function(write) {
  suspendInterrupts(sync_pipes())
  on.exit(suspendInterrupts(sync_pipes()))
  write()
}

sync_pipes <- function() {
  send(list(type = "sync"))
  readLines(acks(), n = 1L, warn = FALSE)
}

## ---- JSON (only what the messages need: named lists, unnamed lists, single strings and logicals) --------------

json <- function(x) {
  if (inherits(x, "agb_json"))   # JSON text made by value_json() or scalar_json()
    return(as.character(x))
  if (is.null(x))
    return("null")
  if (is.list(x)) {
    if (!length(x))
      return(if (is.null(names(x))) "[]" else "{}")
    strings <- vapply(x, is_plain_string, NA, USE.NAMES = FALSE)   # most items: encoded together
    items <- character(length(x))
    if (any(strings))
      items[strings] <- json_string(unlist(x[strings], use.names = FALSE))
    if (!all(strings))
      items[!strings] <- vapply(x[!strings], json, "", USE.NAMES = FALSE)
    if (is.null(names(x)))
      return(paste0("[", paste(items, collapse = ","), "]"))
    return(paste0("{", paste0(json_string(names(x)), ":", items, collapse = ","), "}"))
  }
  if (is.logical(x) && length(x) == 1L && !is.na(x))
    return(if (x) "true" else "false")
  if (is.numeric(x) && length(x) == 1L && is.finite(x))
    return(format(x, scientific = FALSE, digits = 15))
  if (is.character(x) && length(x) == 1L)
    return(json_string(x))
  stop("json(): cannot encode a ", class(x)[1L], " of length ", length(x))
}

is_plain_string <- function(x) is.character(x) && length(x) == 1L && is.null(attr(x, "class"))

json_string <- function(s) {
  s <- valid_utf8(s)
  if (!any(grepl("[\"\\\001-\037]", s, useBytes = TRUE)))
    return(paste0("\"", s, "\""))
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  if (any(grepl("[\001-\037]", s, useBytes = TRUE)))
    for (code in setdiff(1:31, c(9L, 10L, 13L)))
      s <- gsub(intToUtf8(code), sprintf("\\u%04x", code), s, fixed = TRUE)
  paste0("\"", s, "\"")
}

## UTF-8 the supervisor can decode: other encodings converted, invalid bytes replaced by U+FFFD.
valid_utf8 <- function(s) {
  s <- as.character(s)
  if (anyNA(s))
    s[is.na(s)] <- "NA"
  s <- enc2utf8(s)
  bad <- !validUTF8(s)
  if (any(bad)) {
    s[bad] <- iconv(s[bad], "UTF-8", "UTF-8", sub = "\ufffd")
    still <- is.na(s) | !validUTF8(s)
    s[still] <- "\ufffd"
  }
  s
}

## ---- requests -----------------------------------------------------------------------------------------------

## A request as the supervisor writes it (json.dumps: {"code": "...", "execution_count": n} and maybe "filename"; pure
## ASCII, every quote in a string escaped), read without jsonlite, whose loading costs a new kernel about 25 ms of CPU:
## a JSON string's escapes are R's too, so R's parser reads it as a string constant (nothing is evaluated). Anything
## else (another shape, \u0000, a surrogate that may be unpaired) is read by jsonlite.
REQUEST_HEAD <- "{\"code\": \""
REQUEST_COUNT <- "\", \"execution_count\": "   # cannot occur inside the code, whose quotes are all \"
REQUEST_FILENAME <- ", \"filename\": \""

parse_request <- function(line) {
  end <- regexpr(REQUEST_COUNT, line, fixed = TRUE)
  if (!startsWith(line, REQUEST_HEAD) || end < 0L)
    return(jsonlite::parse_json(line))
  rest <- substr(line, end + nchar(REQUEST_COUNT), nchar(line))
  head <- utf8ToInt(substr(rest, 1L, 12L))
  digits <- match(TRUE, head < 48L | head > 57L, nomatch = length(head) + 1L) - 1L   # the count's digits
  after <- substr(rest, digits + 1L, nchar(rest))
  named <- startsWith(after, REQUEST_FILENAME) && endsWith(after, "\"}")
  code <- json_string_value(substr(line, nchar(REQUEST_HEAD) + 1L, end - 1L))
  filename <- if (named) json_string_value(substr(after, nchar(REQUEST_FILENAME) + 1L, nchar(after) - 2L))
  if (digits < 1L || !(named || after == "}") || is.null(code) || (named && is.null(filename)))
    return(jsonlite::parse_json(line))
  list(code = code, execution_count = as.numeric(substr(rest, 1L, digits)), filename = filename)
}

## The text of a JSON string's body, or NULL when R's parser would not read it as JSON does.
json_string_value <- function(body) {
  if (grepl("\\u", body, fixed = TRUE) && grepl("\\\\u(0000|[dD][89a-fA-F])", body, perl = TRUE))
    return(NULL)
  value <- tryCatch(str2lang(paste0("\"", body, "\"")), error = function(e) NULL, warning = function(w) NULL)
  if (is.character(value) && length(value) == 1L) value
}

## ---- the request loop -------------------------------------------------------------------------------------------

## Sends ready, then runs requests until fd 3 reaches end of file. Every request gets exactly one done, whatever
## happens: an error or interrupt that escapes run_cell() is reported as the cell's error before its done.
serve <- function(runtime) {
  send(list(type = "ready", runtime = runtime))
  repeat {
    step <- tryCatch(serve_one(), interrupt = function(e) e, error = function(e) e)
    if (identical(step, "eof"))
      return(invisible())
    if (inherits(step, "condition"))
      tryCatch(abandon(step), interrupt = function(e) abandon(e), error = function(e) NULL)
  }
}

serve_one <- function() {
  warm_up()
  repeat {
    line <- read_line()
    if (!length(line))
      return("eof")
    if (nzchar(line))
      break
  }
  ## A SIGINT that arrived while R was waiting for this request stays pending and would fire in the next cell:
  ## it was meant for the previous run (the supervisor forwards it only during a run), so let it fire here.
  tryCatch(Sys.sleep(0), interrupt = function(e) NULL)
  kernel$in_flight <- TRUE
  kernel$error_sent <- FALSE
  kernel$exit_code <- NULL
  request <- parse_request(line)
  status <- run_cell(paste(as.character(request$code), collapse = "\n"),
                     if (is.character(request$filename)) request$filename else NULL,
                     if (is.numeric(request$execution_count)) as.integer(request$execution_count) else NULL)
  finish(status)
  "served"
}

finish <- function(status) {
  suspendInterrupts(if (kernel$in_flight) {
    kernel$in_flight <- FALSE
    send(c(list(type = "done", status = status), if (!is.null(kernel$exit_code)) list(exit_code = kernel$exit_code)))
  })
}

## Something escaped run_cell() (a SIGINT during the evaluator's own work after the user code, or a failure of the
## evaluator itself): report it as the cell's error so the run still ends with its done.
abandon <- function(condition) {
  if (!kernel$in_flight) {
    if (!inherits(condition, "interrupt"))
      cat("agb R evaluator: ", conditionMessage(condition), "\n", sep = "", file = stderr())
    return(invisible())
  }
  if (!kernel$error_sent) {
    if (inherits(condition, "interrupt"))
      send_interrupted()
    else
      send_error("AgbEvaluatorError", conditionMessage(condition),
                 paste("The R evaluator failed while finishing the cell:", conditionMessage(condition)))
  }
  finish("error")
}

## ---- warming up while idle ------------------------------------------------------------------------------------

## The evaluator's own functions run interpreted when their byte code (the .Rc files RDriver.Prepare makes) is missing;
## then they are compiled between cells in small steps, only once no request has arrived for 50 ms (requests sent back
## to back are not delayed) and only while no request is waiting; a request that arrives during a step waits for that
## step only. With the byte code there is nothing to do, and requests are read with blocking reads only: packages
## (jsonlite, repr), the PNG device and fonts are loaded when first needed, not while idle, so an idle kernel, and a
## spare that is never used, does not spend CPU and memory on them.
kernel$warm_up <- list()

plan_warm_up <- function(env, compile = TRUE) {
  kernel$warm_up <- if (compile) lapply(sort(ls(env)), function(name) function() {
    fun <- get(name, envir = env, inherits = FALSE)
    if (is.function(fun))
      assign(name, compiler::cmpfun(fun), envir = env)
  }) else list()
}

warm_up <- function() {
  if (!length(kernel$warm_up))
    return(invisible())
  quiet_until <- elapsed() + 0.05
  while (elapsed() < quiet_until) {
    if (request_waiting())
      return(invisible())
    tryCatch(Sys.sleep(0.001), interrupt = function(e) NULL)   # a request arriving now waits at most this long
  }
  while (length(kernel$warm_up)) {
    if (request_waiting())
      return(invisible())
    step <- kernel$warm_up[[1L]]
    kernel$warm_up <- kernel$warm_up[-1L]
    suspendInterrupts(try(suppressWarnings(suppressMessages(step())), silent = TRUE))
  }
  peek <- channels$peek   # done: from now on requests are read with blocking reads only
  if (!is.null(peek) && is.null(channels$pending) && pushBackLength(peek) == 0L) {
    channels$peek <- NULL
    close(peek)
  }
}
