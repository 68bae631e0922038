#include "http/static_files.h"

#include <boost/beast/http/field.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "http/compression.h"
#include "http/json.h"

namespace vaxreg::http {
namespace {

namespace bhttp = beast::http;
namespace fs = std::filesystem;

std::string_view ContentTypeFor(const fs::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".webp") return "image/webp";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

// True when `p` equals `root` or lies below it, compared component by component (so "/srv/web2"
// is not under "/srv/web").
bool IsUnder(const fs::path& p, const fs::path& root) {
  auto pi = p.begin();
  for (auto ri = root.begin(); ri != root.end(); ++ri, ++pi) {
    if (ri->empty() && std::next(ri) == root.end()) break;  // trailing separator of root
    if (pi == p.end() || *pi != *ri) return false;
  }
  return true;
}

Result<fs::path> ResolveUnderRoot(const fs::path& root, std::string_view rel) {
  const fs::path rel_path(rel);
  if (rel_path.is_absolute() || rel_path.has_root_name()) {
    return InvalidArgumentError("path must be relative", "path");
  }
  for (const fs::path& part : rel_path) {
    const std::string s = part.string();
    if (s == "." || s == "..") {
      return InvalidArgumentError("path must not contain '.' or '..' segments", "path");
    }
    if (!s.empty() && s.front() == '.') return NotFoundError("no such file");
  }
  std::error_code ec;
  const fs::path canonical_root = fs::weakly_canonical(root, ec);
  if (ec) return NotFoundError("no such file");
  fs::path candidate = fs::weakly_canonical(root / rel_path, ec);
  if (ec) return NotFoundError("no such file");
  if (!IsUnder(candidate, canonical_root)) {
    return InvalidArgumentError("path resolves outside the web root", "path");
  }
  if (fs::is_directory(candidate, ec)) {
    candidate = fs::weakly_canonical(candidate / "index.html", ec);
    if (ec) return NotFoundError("no such file");
    if (!IsUnder(candidate, canonical_root)) {
      return InvalidArgumentError("path resolves outside the web root", "path");
    }
  }
  if (!fs::is_regular_file(candidate, ec)) return NotFoundError("no such file");
  return candidate;
}

// True for paths the portal's client-side router owns: no '.' in the last segment and not under
// a server namespace.
bool IsClientRoute(std::string_view rel) {
  for (std::string_view ns : {"api", "fhir", ".well-known", "assets"}) {
    if (rel == ns || (rel.size() > ns.size() && rel.substr(0, ns.size()) == ns &&
                      rel[ns.size()] == '/')) {
      return false;
    }
  }
  const size_t slash = rel.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? rel : rel.substr(slash + 1);
  return last.find('.') == std::string_view::npos;
}

std::string WeakEtag(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  const auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
  return "W/\"" + std::to_string(size) + "-" + std::to_string(mtime) + "\"";
}

// A free coroutine (not a capturing lambda) so the frame owns a copy of `root` rather than
// pointing into the std::function that holds the handler.
asio::awaitable<Response> ServeStatic(fs::path root, RequestContext& ctx) {
  auto it = ctx.path_params.find("path");
  const std::string rel = it == ctx.path_params.end() ? std::string() : it->second;
  Result<fs::path> file = ResolveUnderRoot(root, rel);
  if (!file.ok() && file.status().code() == StatusCode::kNotFound && IsClientRoute(rel)) {
    file = ResolveUnderRoot(root, "index.html");
  }
  if (!file.ok()) co_return ErrorResponse(file.status(), ctx.request);

  const bool immutable = rel.rfind("assets/", 0) == 0;
  const std::string content_type(ContentTypeFor(*file));
  const bool html = content_type.rfind("text/html", 0) == 0;
  std::string etag;
  if (!immutable) {
    etag = WeakEtag(*file);
    if (ctx.request[bhttp::field::if_none_match] == etag) {
      Response res{bhttp::status::not_modified, ctx.request.version()};
      res.set(bhttp::field::etag, etag);
      res.set(bhttp::field::cache_control, "no-cache");
      res.keep_alive(ctx.request.keep_alive());
      res.prepare_payload();
      co_return res;
    }
  }

  // Precompressed variant, if the client takes it and the build wrote it.
  const std::string_view accept_encoding = ctx.request[bhttp::field::accept_encoding];
  fs::path send = *file;
  std::string_view content_encoding;
  for (std::string_view coding : {std::string_view("br"), std::string_view("gzip")}) {
    if (!AcceptsEncoding(accept_encoding, coding)) continue;
    fs::path variant = *file;
    variant += coding == "br" ? ".br" : ".gz";
    std::error_code ec;
    if (fs::is_regular_file(variant, ec)) {
      send = std::move(variant);
      content_encoding = coding;
      break;
    }
  }

  std::ifstream in(send, std::ios::binary);
  if (!in) co_return ErrorResponse(NotFoundError("no such file"), ctx.request);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) co_return ErrorResponse(InternalError("cannot read file"), ctx.request);

  Response res{bhttp::status::ok, ctx.request.version()};
  res.set(bhttp::field::content_type, content_type);
  res.set(bhttp::field::cache_control,
          immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (!etag.empty()) res.set(bhttp::field::etag, etag);
  if (!content_encoding.empty()) res.set(bhttp::field::content_encoding, content_encoding);
  res.set(bhttp::field::vary, "Accept-Encoding");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  if (html) {
    res.set("Content-Security-Policy", kPortalContentSecurityPolicy);
    res.set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()");
  }
  res.keep_alive(ctx.request.keep_alive());
  res.body() = std::move(contents).str();
  res.prepare_payload();
  co_return res;
}

}  // namespace

Route StaticFilesRoute(fs::path root) {
  Handler handler = [root = std::move(root)](RequestContext& ctx) {
    return ServeStatic(root, ctx);
  };
  return Route{bhttp::verb::get,
               "/{path...}",
               auth::AccessRule::Public(),
               std::move(handler),
               0,
               "static files of the web front end"};
}

}  // namespace vaxreg::http
