# What an R kernel's requirements.txt and runtime.txt pin (the R twin of environment_capture.py).
#
# One function expression: the frontend embeds this file at build time
# (scripts/embed-capture-code.mjs) and calls it in the kernel with the answer's line prefix and
# the mode. It prints one line `<prefix> <json>` and returns nothing visible.
#
# - "full": every installed package; "imported": the loaded namespaces plus their Depends,
#   Imports and LinkingTo closure (Suggests left out, as a plain install.packages() does).
# - Base packages (Priority "base": stats, utils, methods, ...) come with R itself, whose
#   version runtime.txt names; they are never pinned. Recommended packages (Matrix, MASS, ...)
#   are released on CRAN on their own and are pinned like any other package.
# - Packages that no repository serves by version (installed from a folder, a tarball or a VCS:
#   a RemoteType other than "standard"/"cran", or no Repository field) are listed in `local`.
# - `date`: the latest Date/Publication among the pinned packages, i.e. the first day on which
#   a CRAN snapshot (repo2docker's runtime.txt date) has every pinned version; the capture day
#   when no pinned package carries one.
function(prefix, mode) {
  fields <- c("Repository", "Date/Publication", "RemoteType", "RemoteUrl", "RemoteUsername",
              "RemoteRepo", "RemoteSha")
  ip <- utils::installed.packages(fields = fields)
  ip <- ip[!duplicated(ip[, "Package"]), , drop = FALSE]  # the first library path wins, as library() does
  rownames(ip) <- ip[, "Package"]
  if (identical(mode, "imported")) {
    wanted <- intersect(loadedNamespaces(), rownames(ip))
    queue <- wanted
    while (length(queue)) {
      deps <- unlist(lapply(ip[queue, c("Depends", "Imports", "LinkingTo")], function(text) {
        if (is.na(text)) return(character())
        names <- trimws(sub("\\(.*", "", strsplit(text, ",")[[1]]))
        names[nzchar(names)]
      }))
      queue <- setdiff(intersect(unique(deps), rownames(ip)), wanted)
      wanted <- c(wanted, queue)
    }
    ip <- ip[wanted, , drop = FALSE]
  }
  ip <- ip[is.na(ip[, "Priority"]) | ip[, "Priority"] != "base", , drop = FALSE]
  ip <- ip[order(tolower(ip[, "Package"])), , drop = FALSE]
  quote <- function(x) {  # JSON strings; nothing at all for no value (paste0 would give one)
    if (length(x)) paste0('"', gsub("([\"\\\\])", "\\\\\\1", x), '"') else character()
  }
  remote <- ip[, "RemoteType"]
  is_local <- (!is.na(remote) & !(remote %in% c("standard", "cran"))) | is.na(ip[, "Repository"])
  where <- ifelse(!is.na(ip[, "RemoteUrl"]), ip[, "RemoteUrl"],
    ifelse(!is.na(ip[, "RemoteRepo"]),
      paste0(ip[, "RemoteUsername"], "/", ip[, "RemoteRepo"], "@", ip[, "RemoteSha"]),
      ifelse(is.na(remote), "a local folder or file", remote)))
  local <- if (any(is_local)) paste0(ip[is_local, "Package"], " @ ", where[is_local]) else character()
  published <- substr(ip[, "Date/Publication"], 1, 10)
  published <- published[!is.na(published) & grepl("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", published)]
  date <- if (length(published)) max(published) else format(Sys.Date())
  pins <- if (nrow(ip)) paste0(quote(ip[, "Package"]), ":", quote(ip[, "Version"]), collapse = ",") else ""
  cat(prefix, " {\"packages\":{", pins, "},\"local\":[", paste(quote(local), collapse = ","),
      "],\"version\":", quote(paste(R.version$major, R.version$minor, sep = ".")),
      ",\"date\":", quote(date), ",\"mode\":", quote(mode), "}\n", sep = "")
  invisible(NULL)
}
