#include "http/router.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace vaxreg::http {
namespace {

// Splits "/a/b" into {"a","b"}; "/" into {}; "/a/" into {"a",""}. `path` starts with '/'.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.size() <= 1) return out;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParamName(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Ranks for specificity: higher is more specific. kEnd marks a pattern that is exhausted exactly
// at the end of the path.
constexpr int kRankCatchAll = 0;
constexpr int kRankParam = 1;
constexpr int kRankLiteral = 2;
constexpr int kRankEnd = 3;

}  // namespace

std::string MatchResult::AllowHeader() const {
  std::string out;
  for (beast::http::verb v : allowed) {
    if (!out.empty()) out += ", ";
    out += std::string(beast::http::to_string(v));
  }
  return out;
}

void Router::Add(Route route) {
  CHECK(route.handler != nullptr);
  CHECK(route.access.is_public() || !route.access.roles().empty());
  CHECK(route.method != beast::http::verb::unknown);
  const std::string_view pattern = route.pattern;
  CHECK(!pattern.empty() && pattern.front() == '/');

  Compiled compiled;
  std::vector<std::string_view> names;
  const std::vector<std::string_view> parts = SplitPath(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    CHECK(!part.empty());
    if (part.front() == '{') {
      CHECK(part.size() >= 3 && part.back() == '}');
      std::string_view name = part.substr(1, part.size() - 2);
      Segment::Kind kind = Segment::Kind::kParam;
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        name.remove_suffix(3);
        kind = Segment::Kind::kCatchAll;
        CHECK(i + 1 == parts.size());  // a catch-all must be the last segment
      }
      CHECK(IsParamName(name));
      CHECK(std::find(names.begin(), names.end(), name) == names.end());
      names.push_back(name);
      compiled.segments.push_back({kind, std::string(name)});
    } else {
      CHECK(part.find_first_of("{}") == std::string_view::npos);
      CHECK(part != "." && part != "..");
      compiled.segments.push_back({Segment::Kind::kLiteral, std::string(part)});
    }
  }

  compiled.shape = std::string(beast::http::to_string(route.method)) + " ";
  for (const Segment& s : compiled.segments) {
    compiled.shape += '/';
    switch (s.kind) {
      case Segment::Kind::kLiteral:
        compiled.shape += s.text;
        break;
      case Segment::Kind::kParam:
        compiled.shape += "{}";
        break;
      case Segment::Kind::kCatchAll:
        compiled.shape += "{...}";
        break;
    }
  }
  if (compiled.segments.empty()) compiled.shape += '/';
  for (const Compiled& c : compiled_) CHECK(c.shape != compiled.shape);  // duplicate route

  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
}

bool Router::MatchShape(const std::vector<Segment>& segs,
                        const std::vector<std::string_view>& parts, std::vector<int>& rank) {
  rank.clear();
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    if (s.kind == Segment::Kind::kCatchAll) {
      rank.push_back(kRankCatchAll);
      return true;
    }
    if (i >= parts.size()) return false;
    if (s.kind == Segment::Kind::kLiteral) {
      if (parts[i] != s.text) return false;
      rank.push_back(kRankLiteral);
    } else {
      if (parts[i].empty()) return false;
      rank.push_back(kRankParam);
    }
  }
  if (segs.size() != parts.size()) return false;
  rank.push_back(kRankEnd);
  return true;
}

void Router::ExtractParams(const std::vector<Segment>& segs,
                           const std::vector<std::string_view>& parts, PathParams& params) {
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    if (s.kind == Segment::Kind::kCatchAll) {
      std::string rest;
      for (size_t j = i; j < parts.size(); ++j) {
        if (j > i) rest += '/';
        rest.append(parts[j]);
      }
      params[s.text] = std::move(rest);
      return;
    }
    if (s.kind == Segment::Kind::kParam) params[s.text] = std::string(parts[i]);
  }
}

MatchResult Router::Match(beast::http::verb method, std::string_view path) const {
  MatchResult result;
  if (path.empty() || path.front() != '/') return result;
  const std::vector<std::string_view> parts = SplitPath(path);

  // Shapes are compared without allocating per route (this runs on every request); the winner's
  // parameters are extracted once at the end.
  std::vector<int> rank;
  std::vector<int> best_rank;
  rank.reserve(parts.size() + 2);
  best_rank.reserve(parts.size() + 2);
  size_t best = routes_.size();
  for (size_t r = 0; r < routes_.size(); ++r) {
    if (!MatchShape(compiled_[r].segments, parts, rank)) continue;
    const Route& route = routes_[r];
    if (route.method != method) {
      if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
          result.allowed.end()) {
        result.allowed.push_back(route.method);
      }
      continue;
    }
    if (best == routes_.size() || rank > best_rank) {
      best = r;
      best_rank.swap(rank);
    }
  }
  if (best != routes_.size()) {
    result.route = &routes_[best];
    ExtractParams(compiled_[best].segments, parts, result.params);
  }

  if (result.route != nullptr) {
    result.kind = MatchKind::kFound;
    result.allowed.clear();
  } else if (!result.allowed.empty()) {
    result.kind = MatchKind::kMethodNotAllowed;
    std::sort(result.allowed.begin(), result.allowed.end(),
              [](beast::http::verb a, beast::http::verb b) {
                return beast::http::to_string(a) < beast::http::to_string(b);
              });
  }
  return result;
}

Result<std::string> DecodeTargetPath(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return InvalidArgumentError("request target must be a path starting with '/'", "target");
  }
  if (target.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("request target contains a NUL byte", "target");
  }
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    return InvalidArgumentError("malformed request target", "target");
  }
  std::string path = parsed->path();
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return InvalidArgumentError("request path contains a control character", "target");
    }
  }
  const std::vector<std::string_view> parts = SplitPath(path);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "." || parts[i] == "..") {
      return InvalidArgumentError("request path must not contain '.' or '..' segments", "target");
    }
    if (parts[i].empty() && i + 1 < parts.size()) {
      return InvalidArgumentError("request path must not contain empty segments", "target");
    }
  }
  return path;
}

}  // namespace vaxreg::http
