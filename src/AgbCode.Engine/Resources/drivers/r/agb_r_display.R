## Rich output of the R evaluator: the MIME bundle of a cell's main result, and base/grid plots as PNG display_data.
##
## Values: text/plain is exactly what the console prints (print(), or show() for S4 objects); text/html, text/markdown
## and text/latex come from the repr package, as IRkernel sends them. repr (and pillar, cli, vctrs... behind it) takes
## about 0.4 s of CPU to load, so it is loaded by the first value that needs it: a bare scalar, the most common result,
## does not (agb_r_scalar.R). The PNG device and fontconfig are likewise started by the first plot.
##
## Plots: while a cell draws, its plots go to a recording device, pdf(file = NULL) with the display list enabled,
## opened on demand through options(device) (no X11, no Rplots.pdf in the workspace). A page is sent as one
## display_data (image/png, rendered with png(type = "cairo") + replayPlot, and text/plain like "plot without title")
## when a new page replaces it (the before.plot.new / before.grid.newpage hooks: one image per plot in a loop) and when
## the cell ends; low-level additions (lines(), abline(), ...) made before that are part of the same image. The device
## is closed at the end of each cell, as in Jupyter: a new cell starts with no current plot. Size and resolution
## follow IRkernel's options repr.plot.width / repr.plot.height (inches), repr.plot.res (dpi), repr.plot.pointsize and
## repr.plot.bg; this evaluator's defaults are 7 x 5 in at 96 dpi (672 x 480 px).

plots <- new.env(parent = emptyenv())
plots$device <- NULL    # the recording device's number while it is open
plots$shown <- NULL     # the page as last sent, so an unchanged page is not sent twice
plots$last <- NULL      # the page after the last top-level expression, in case user code closes the device
plots$busy <- FALSE     # rendering: hooks do nothing

## Calls in a display list that draw nothing by themselves (as in evaluate).
NON_DRAWING <- c("palette", "palette2", "C_layout", "C_par", "C_clip", "C_strWidth", "C_strHeight", "C_plot_window")

plot_option <- function(name, default) {
  value <- getOption(name)
  if (is.null(value)) default else value
}

setup_display <- function() {
  defaults <- list(repr.plot.width = 7, repr.plot.height = 5, repr.plot.res = 96, repr.plot.pointsize = 12,
                   repr.plot.bg = "white")
  options(defaults[!names(defaults) %in% names(options())])   # repr keeps options that are already set
  options(device = open_recording_device, pager = print_files)
  setHook("before.plot.new", function(...) page_ending(base = TRUE))
  setHook("before.grid.newpage", function(...) page_ending(base = FALSE))
}

## options(pager): file.show() and text help (?lm, help(lm)) print to stdout, without the overstrike (x\bx, _\bx) that
## terminal pagers turn into bold and underline; so the help of the cell's last expression is its text/plain.
print_files <- function(files, header = "", title = "", delete.file = FALSE) {
  for (file in files)
    cat(gsub(".\b", "", readLines(file, warn = FALSE, encoding = "UTF-8")), sep = "\n")
  if (isTRUE(delete.file))
    unlink(files)
  invisible()
}

## options(device): called by plot.new()/grid when no device is open, or by dev.new(). A second dev.new() in a cell
## sends the page of the first device and closes it: one recording device at a time.
open_recording_device <- function(...) {
  if (recording_device_open()) {
    flush_plot()
    grDevices::dev.off(plots$device)
  }
  grDevices::pdf(file = NULL, width = plot_option("repr.plot.width", 7), height = plot_option("repr.plot.height", 5),
                 pointsize = plot_option("repr.plot.pointsize", 12))
  grDevices::dev.control(displaylist = "enable")
  plots$device <- grDevices::dev.cur()
  plots$shown <- NULL
  plots$last <- NULL
  invisible()
}

recording_device_open <- function() {
  mine <- plots$device
  if (is.null(mine))
    return(FALSE)
  open <- grDevices::dev.list()
  isTRUE(mine %in% open) && identical(names(open)[open == mine], "pdf")
}

## The recording device's current page (a recordedplot), or the last one kept if user code closed the device.
snapshot <- function() {
  if (!recording_device_open())
    return(plots$last)
  current <- grDevices::dev.cur()
  if (current != plots$device) {
    grDevices::dev.set(plots$device)
    on.exit(grDevices::dev.set(current))
  }
  grDevices::recordPlot()
}

## Hook: a new page is about to start. Sends the page it replaces (base graphics: only when the next plot.new() really
## starts a page, not a panel of par(mfrow = ...)).
page_ending <- function(base) {
  if (plots$busy || !recording_device_open() || grDevices::dev.cur() != plots$device)
    return(invisible())
  if (base && !isTRUE(graphics::par("page")))
    return(invisible())
  flush_plot()
}

## After each top-level expression: remember the page, in case a later expression closes the device.
plot_checkpoint <- function() {
  if (recording_device_open())
    plots$last <- snapshot()
  invisible()
}

## End of a cell: send the last page if it is new, then close the recording device.
finish_plots <- function() {
  on.exit({
    if (recording_device_open()) {
      current <- grDevices::dev.cur()
      grDevices::dev.off(plots$device)
      if (current != plots$device && current %in% grDevices::dev.list())
        grDevices::dev.set(current)
    }
    plots$device <- plots$shown <- plots$last <- NULL
  })
  flush_plot()
}

flush_plot <- function() {
  page <- snapshot()
  plots$last <- NULL
  if (is.null(page) || !draws_something(page) || already_shown(page))
    return(invisible())
  plots$shown <- page
  plots$busy <- TRUE
  on.exit(plots$busy <- FALSE)
  png <- tryCatch(render_png(page), error = function(e) {
    cat("Could not render the plot as PNG: ", conditionMessage(e), "\n", sep = "", file = stderr())
    NULL
  })
  if (!is.null(png))
    send(list(type = "display_data", data = list(`image/png` = png, `text/plain` = plot_text(page))))
  invisible()
}

plot_calls <- function(page) {
  names <- lapply(page[[1L]], function(entry) {
    fun <- entry[[2L]][[1L]]
    name <- if (is.list(fun)) fun[["name"]] else NULL
    if (is.null(name)) paste(deparse(fun), collapse = " ") else name
  })
  unlist(names, use.names = FALSE)
}

draws_something <- function(page) any(!plot_calls(page) %in% NON_DRAWING)

## Same page as last sent, or that page plus only par()/layout() changes.
already_shown <- function(page) {
  shown <- plots$shown
  if (is.null(shown))
    return(FALSE)
  if (identical(shown, page))
    return(TRUE)
  before <- plot_calls(shown)
  after <- plot_calls(page)
  n <- length(before)
  length(after) > n && identical(after[seq_len(n)], before) && identical(page[[1L]][seq_len(n)], shown[[1L]]) &&
    all(after[-seq_len(n)] %in% NON_DRAWING)
}

render_png <- function(page) {
  png_bytes(width = plot_option("repr.plot.width", 7), height = plot_option("repr.plot.height", 5),
            res = plot_option("repr.plot.res", 96), pointsize = plot_option("repr.plot.pointsize", 12),
            bg = plot_option("repr.plot.bg", "white"), draw = function() suppressWarnings(grDevices::replayPlot(page)))
}

## Draws on a cairo PNG device of its own and returns the file's bytes; the device that was current before is current
## again afterwards, whatever happens.
png_bytes <- function(width, height, res, draw, pointsize = 12, bg = "white") {
  file <- tempfile("agb-plot-", fileext = ".png")
  previous <- grDevices::dev.cur()
  grDevices::png(file, width = width, height = height, units = "in", res = res, pointsize = pointsize, bg = bg,
                 type = "cairo")
  device <- grDevices::dev.cur()
  on.exit({
    if (device %in% grDevices::dev.list())
      grDevices::dev.off(device)
    if (previous %in% grDevices::dev.list())
      grDevices::dev.set(previous)
    unlink(file)
  })
  draw()
  grDevices::dev.off(device)
  jsonlite::base64_enc(readBin(file, "raw", n = file.info(file)$size))
}

## As repr does for a recordedplot.
plot_text <- function(page) {
  for (entry in rev(page[[1L]])) {
    args <- entry[[2L]]
    if (isTRUE(args[[1L]]$name == "C_title") && is.character(args[[2L]]) && length(args[[2L]]) == 1L)
      return(sprintf("Plot with title \u201c%s\u201d", args[[2L]]))
  }
  "plot without title"
}

## ---- values ---------------------------------------------------------------------------------------------------

## How the console auto-prints a value. Evaluated in a child of the global environment, so print methods the user
## defined there are found, but a user function named print or show does not replace the console's behaviour.
PRINT_VALUE <- quote(if (base::isS4(x)) methods::show(x) else base::print(x))

print_value <- function(value) {
  eval(PRINT_VALUE, list(x = value), .GlobalEnv)
  invisible()
}

RICH_TYPES <- c("text/html", "text/markdown", "text/latex")

## What print_value() writes, as lines. Through a file: capture.output()'s textConnection takes seconds for a large
## print (15 s for a data frame of a million rows, against 0.6 s). The file stays open from cell to cell (opening one
## costs more than printing a number) and is emptied after each read; its name is removed at once, so it leaves
## nothing behind in the temporary folder.
printed_lines <- function(value) {
  con <- capture_file()
  sinks <- sink.number()
  sink(con)
  on.exit({
    while (sink.number() > sinks)
      sink()
    seek(con, 0, rw = "write")
    truncate(con)
  })
  print_value(value)
  sink()
  seek(con, 0, rw = "read")
  readLines(con, warn = FALSE, encoding = "UTF-8")
}

capture_file <- function() {
  if (is.null(channels$capture_path))
    channels$capture_path <- tempfile("agb-value-")
  channel("capture", channels$capture_path, function(path) {
    con <- file(path, open = "w+")
    unlink(path)
    con
  })
}

## The execute_result bundle of a visible value, or NULL when it shows nothing.
value_bundle <- function(value) {
  text <- printed_lines(value)
  bundle <- list()
  if (length(text))
    bundle[["text/plain"]] <- paste(text, collapse = "\n")
  bare <- is_bare_scalar(value)
  if (bare && !custom_repr_methods(value)) {
    bundle <- c(bundle, scalar_reprs(value))
  } else if (requireNamespace("repr", quietly = TRUE)) {
    for (type in RICH_TYPES) {
      rich <- tryCatch(suppressWarnings(suppressMessages(
        eval(quote(.agb_repr(.agb_value)), list(.agb_repr = repr::mime2repr[[type]], .agb_value = value), .GlobalEnv))),
        error = function(e) NULL)
      if (is.character(rich) && length(rich) == 1L && !is.na(rich) && nzchar(rich))
        bundle[[type]] <- rich
    }
  }
  json <- if (bare) scalar_json(value) else value_json(value)
  if (!is.null(json))
    bundle[["application/json"]] <- json
  if (length(bundle)) bundle else NULL
}

JSON_LIMIT <- 1048576   # a value whose JSON is larger is shown as text only
PLAIN_CLASSES <- c("factor", "Date", "POSIXct", "POSIXt", "AsIs")

## Plain data: atomic vectors (also factors and dates), lists of plain data, data frames.
is_plain <- function(value, depth = 0L) {
  if (depth > 32L) return(FALSE)
  if (is.data.frame(value)) return(TRUE)
  if (!all(class(value) %in% c(PLAIN_CLASSES, "character", "numeric", "integer", "logical", "list", "NULL")) &&
      !is.null(attr(value, "class"))) return(FALSE)
  if (is.atomic(value)) return(!is.complex(value) && !is.raw(value))
  if (is.list(value)) return(all(vapply(value, is_plain, logical(1L), depth = depth + 1L)))
  is.null(value)
}

## The value's application/json (a data frame as records, a length-one vector as a scalar), or NULL.
value_json <- function(value) {
  if (!is_plain(value)) return(NULL)
  text <- tryCatch(jsonlite::toJSON(value, dataframe = "rows", auto_unbox = TRUE, na = "null", null = "null",
                                    POSIXt = "ISO8601", Date = "ISO8601", digits = NA, force = FALSE,
                                    always_decimal = TRUE),   # a double stays a real (21.0), an integer does not (21L)
                   error = function(e) NULL)
  if (is.null(text) || nchar(text, type = "bytes") > JSON_LIMIT || !isTRUE(jsonlite::validate(text))) return(NULL)
  structure(as.character(text), class = "agb_json")
}
