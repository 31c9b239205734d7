## The representations of a bare scalar (a length-one logical, integer, double or character vector without
## attributes), the most common main result, made without repr and jsonlite: the text they give it, at a fraction of
## the cost, and without loading repr's packages (about 0.4 s of CPU and 20 MiB) for a cell whose value is a number.
## Their rules, as in repr 1.1 and jsonlite 1.8 (RKernelTests checks them against the packages):
## - text/html and text/markdown: encodeString(as.character(x)), quoted with ' for strings (option repr.vector.quote),
##   then HTML-escaped (&, <, >; two spaces in a row keep their width); text/latex: LaTeX-escaped instead.
## - application/json: true/false, a number with 15 significant digits (a whole double with ".0", as always_decimal
##   writes it), a JSON string ("</" as "<\/"); NA, NaN and infinities null.
## repr's methods for these types can be replaced (a function repr_html.numeric the user defined, or one a package
## registered): then repr is asked, as for any other value.

SCALAR_TYPES <- c("logical", "integer", "double", "character")

is_bare_scalar <- function(value) length(value) == 1L && is.null(attributes(value)) && typeof(value) %in% SCALAR_TYPES

## Characters and their replacements, in the order repr replaces them (the order matters), with a pattern that finds
## any of them: most values have none, which one search tells.
specials <- function(...) {
  table <- c(...)
  structure(table, any = paste0("[", paste0("\\", names(table), collapse = ""), "]"))
}

HTML_SPECIALS <- specials("&" = "&amp;", "<" = "&lt;", ">" = "&gt;")
LATEX_SPECIALS <- specials("\\" = "\\textbackslash{}", "{" = "\\{", "}" = "\\}", "$" = "\\$", "^" = "\\textasciicircum{}",
                           "_" = "\\_", "%" = "\\%", "#" = "\\#", "&" = "\\&", "~" = "\\textasciitilde{}",
                           "[" = "{[}", "]" = "{]}", "|" = "\\textbar{}")

escape <- function(text, specials) {
  if (!grepl(attr(specials, "any"), text, perl = TRUE, useBytes = TRUE))
    return(text)
  for (special in names(specials))
    text <- gsub(special, specials[[special]], text, fixed = TRUE)
  text
}

html_text <- function(text) {
  text <- escape(text, HTML_SPECIALS)
  if (grepl("  ", text, fixed = TRUE)) sprintf("<span style=white-space:pre-wrap>%s</span>", text) else text
}

## As repr: the braces escaped after the backslashes include those of \textbackslash{}, which are then put back.
latex_text <- function(text)
  gsub("\\textbackslash\\{\\}", "\\textbackslash{}", escape(text, LATEX_SPECIALS), fixed = TRUE)

scalar_reprs <- function(value) {
  quote <- is.character(value) && isTRUE(getOption("repr.vector.quote", TRUE))
  text <- encodeString(as.character(value), quote = if (quote) "'" else "")
  html <- html_text(text)
  Filter(nzchar, list(`text/html` = html, `text/markdown` = html, `text/latex` = latex_text(text)))   # as repr: no ""
}

real_json <- function(value) {
  text <- sprintf("%.15g", value)
  if (grepl("[.e]", text)) text else paste0(text, ".0")
}

scalar_json <- function(value) {
  text <- if (is.na(value) || (is.double(value) && !is.finite(value))) "null" else switch(typeof(value),
    logical = if (value) "true" else "false",
    integer = as.character(value),
    double = real_json(value),
    character = gsub("</", "<\\/", json_string(value), fixed = TRUE))   # as jsonlite, for HTML script elements
  structure(text, class = "agb_json")
}

## Whether a repr method other than repr's own would show this value.
custom_repr_methods <- function(value) {
  names <- paste0(rep(c("repr_html.", "repr_markdown.", "repr_latex."), each = 3L),
                  c(typeof(value), if (is.numeric(value)) "numeric" else mode(value), "default"))
  if (any(vapply(names, exists, NA, envir = .GlobalEnv, mode = "function")))
    return(TRUE)
  if (!isNamespaceLoaded("repr"))
    return(FALSE)
  repr <- asNamespace("repr")
  registered <- repr[[".__S3MethodsTable__."]]
  any(vapply(names, function(name) {
    method <- get0(name, envir = registered, inherits = FALSE)
    !is.null(method) && !identical(method, get0(name, envir = repr, inherits = FALSE))
  }, NA))
}
