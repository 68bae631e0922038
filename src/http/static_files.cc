#include "http/static_files.h"

#include <boost/beast/http/field.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

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

// A free coroutine (not a capturing lambda) so the frame owns a copy of `root` rather than
// pointing into the std::function that holds the handler.
asio::awaitable<Response> ServeStatic(fs::path root, RequestContext& ctx) {
  auto it = ctx.path_params.find("path");
  const std::string rel = it == ctx.path_params.end() ? std::string() : it->second;
  Result<fs::path> file = ResolveUnderRoot(root, rel);
  if (!file.ok()) co_return ErrorResponse(file.status(), ctx.request);
  std::ifstream in(*file, std::ios::binary);
  if (!in) co_return ErrorResponse(NotFoundError("no such file"), ctx.request);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) co_return ErrorResponse(InternalError("cannot read file"), ctx.request);

  Response res{bhttp::status::ok, ctx.request.version()};
  res.set(bhttp::field::content_type, ContentTypeFor(*file));
  res.set(bhttp::field::cache_control, "no-cache");
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
