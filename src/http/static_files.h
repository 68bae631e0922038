#pragma once
// Serves the web portal from its build output directory (web/dist).

#include <filesystem>

#include "http/router.h"

namespace vaxreg::http {

// A public GET route with pattern "/{path...}" that answers with the file at `root`/path:
//  - index.html for the empty path and for directories; Content-Type from the extension.
//  - Client-side routes: a path whose last segment has no '.' and that names no file (e.g.
//    "/verify", "/me/bookings") is answered with `root`/index.html, so the portal's pages can be
//    bookmarked. Paths under api/, fhir/ and .well-known/ never fall back: they stay 404 JSON.
//  - Precompressed variants: when the client accepts br (or gzip) and "<file>.br" (".gz") exists
//    beside the file, that variant is sent with Content-Encoding and Vary: Accept-Encoding.
//  - Caching: files under assets/ have content hashes in their names and are sent with
//    "public, max-age=31536000, immutable"; everything else (index.html, sw.js, manifest) with
//    "no-cache" and a weak ETag over size and modification time (If-None-Match gives 304).
//  - Every answer carries X-Content-Type-Options: nosniff and a Referrer-Policy; HTML also a strict
//    Content-Security-Policy (only same-origin scripts, styles, images, media and connections; no
//    inline script, no frames, no plugins).
// 404 NOT_FOUND JSON when there is no such regular file. 400 INVALID_ARGUMENT when the path is
// absolute, has a "." or ".." component, or resolves (symlinks included) outside `root`; this
// backs up the server's own rejection of dot segments. Names starting with '.' (".git", ".env")
// are never served (404). Files are read synchronously on the I/O thread, which suits small
// front-end assets. The handler is thread-safe; `root` is resolved (weakly_canonical) on every
// request, so it may be created or replaced while the server runs (a new build of the portal).
// Because the pattern is a catch-all, any more specific GET route takes priority.
Route StaticFilesRoute(std::filesystem::path root);

// The Content-Security-Policy sent with the portal's HTML.
inline constexpr const char* kPortalContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; media-src 'self' blob: mediastream:; worker-src 'self'; "
    "manifest-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

}  // namespace vaxreg::http
