#pragma once
// Routes and the router: maps (method, decoded path) to a Route.
//
// Patterns are '/'-separated segments:
//   literal      "/api/v1/users"         matches exactly (case-sensitive)
//   parameter    "/api/v1/users/{id}"    matches one non-empty segment; params["id"]
//   catch-all    "/files/{path...}"      last segment only; matches the rest of the path,
//                                        possibly empty: "/files/a/b.js" gives
//                                        params["path"] = "a/b.js"; "/files/" and "/files"
//                                        give ""
// "/" is the root. When several patterns match, the most specific wins, comparing segment by
// segment from the left: literal beats parameter beats catch-all, and a pattern that ends
// exactly where the path ends beats a catch-all that matches nothing.
//
// Thread-safety: build the router (Add) before the server starts; Match() and routes() are then
// safe from any thread because nothing mutates it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/role.h"
#include "common/status.h"
#include "http/types.h"

namespace vaxreg::http {

struct Route {
  beast::http::verb method;
  std::string pattern;
  auth::AccessRule access;
  Handler handler;
  size_t max_body_bytes = 0;  // 0 = ServerOptions::max_body_bytes
  std::string summary = {};   // one line, for docs and route listings
};

enum class MatchKind {
  kFound,             // route and params are set
  kNotFound,          // no pattern matches the path
  kMethodNotAllowed,  // some pattern matches the path, none with this method; see allowed
};

struct MatchResult {
  MatchKind kind = MatchKind::kNotFound;
  // kFound: points into the router, valid as long as the router is alive and unmodified.
  const Route* route = nullptr;
  PathParams params;
  // kMethodNotAllowed: the methods some matching pattern accepts, sorted, without duplicates.
  std::vector<beast::http::verb> allowed;

  bool found() const { return kind == MatchKind::kFound; }
  // "GET, POST": the value of the Allow header of a 405.
  std::string AllowHeader() const;
};

class Router final {
 public:
  // CHECK-fails on a malformed pattern, a missing handler, a non-public access rule that allows
  // no role, or a route whose method and pattern shape (parameter names ignored) is already
  // registered: these are programming errors found at start-up.
  void Add(Route route);

  // `path` is the percent-decoded path without the query string, as DecodeTargetPath returns.
  // A route is found only if both method and path match (405 is reported only when no route
  // matches both).
  MatchResult Match(beast::http::verb method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    enum class Kind { kLiteral, kParam, kCatchAll } kind;
    std::string text;  // literal text or parameter name
  };
  struct Compiled {
    std::vector<Segment> segments;
    std::string shape;  // "GET /users/{}": duplicate detection
  };

  // True if `parts` has the pattern's shape; `rank` (cleared first) is then its specificity,
  // compared lexicographically: higher is more specific.
  static bool MatchShape(const std::vector<Segment>& segs,
                         const std::vector<std::string_view>& parts, std::vector<int>& rank);
  // The parameters of a pattern that MatchShape accepted.
  static void ExtractParams(const std::vector<Segment>& segs,
                            const std::vector<std::string_view>& parts, PathParams& params);

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;  // parallel to routes_
};

// Validates a request target and returns its percent-decoded path (no query string). Run before
// routing. kInvalidArgument when the target is not origin-form ("/path?query"), is malformed
// (bad percent-escape, forbidden characters), or its decoded path contains NUL or another control
// character, an empty segment ("//"), or a "." or ".." segment (so "/a/%2e%2e/b" and
// "/a/..%2f..%2fb" are rejected, not normalised).
Result<std::string> DecodeTargetPath(std::string_view target);

}  // namespace vaxreg::http
