#pragma once
// Serves the web front end from a directory.

#include <filesystem>

#include "http/router.h"

namespace vaxreg::http {

// A public GET route with pattern "/{path...}" that answers with the file at `root`/path:
// index.html for the empty path and for directories; Content-Type from the extension (html, js,
// css, svg, png, json, ico, txt; application/octet-stream otherwise). 404 NOT_FOUND JSON when
// there is no such regular file. 400 INVALID_ARGUMENT when the path is absolute, has a "." or
// ".." component, or resolves (symlinks included) outside `root`; this backs up the server's own
// rejection of dot segments. Names starting with '.' (".git", ".env") are never served (404).
// Files are read synchronously on the I/O thread, which suits small front-end assets. The handler
// is thread-safe; `root` is resolved (weakly_canonical) on every request, so it may be created or
// replaced while the server runs.
// Because the pattern is a catch-all, any more specific GET route takes priority.
Route StaticFilesRoute(std::filesystem::path root);

}  // namespace vaxreg::http
