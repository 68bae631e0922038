#include "api/query_params.h"

#include <charconv>

#include "http/json.h"

namespace vaxreg::api {

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Result<int> PageLimit(const http::Request& req) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, http::OptionalQueryParam(req, "limit"));
  if (!v) return 100;
  int64_t n = 0;
  if (!ParseInt64(*v, &n) || n < 1 || n > kMaxPageSize) {
    return InvalidArgumentError("limit must be an integer from 1 to " + std::to_string(kMaxPageSize),
                                "limit");
  }
  return static_cast<int>(n);
}

Result<int64_t> NonNegativeIntParam(const http::Request& req, std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, http::OptionalQueryParam(req, name));
  if (!v) return int64_t{0};
  int64_t n = 0;
  if (!ParseInt64(*v, &n) || n < 0) {
    return InvalidArgumentError(std::string(name) + " must be a non-negative integer",
                                std::string(name));
  }
  return n;
}

Result<std::string> AdminUnitParam(const http::Request& req, std::string_view name,
                                   geo::Level level) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, http::OptionalQueryParam(req, name));
  if (!v) return std::string();
  const geo::AdminUnit* u = geo::AdminUnits::Get().Find(*v);
  if (u == nullptr || u->level != level) {
    const char* what = level == geo::Level::kProvince   ? "a 2-digit province code"
                       : level == geo::Level::kDistrict ? "a 3-digit district code"
                                                        : "a 5-digit commune code";
    return InvalidArgumentError(std::string(name) + " must be " + what, std::string(name));
  }
  return std::move(*v);
}

Result<int64_t> IdPathParam(const http::RequestContext& ctx, std::string_view name) {
  auto it = ctx.path_params.find(std::string(name));
  int64_t n = 0;
  if (it == ctx.path_params.end() || !ParseInt64(it->second, &n) || n <= 0) {
    return InvalidArgumentError(std::string(name) + " must be a positive integer",
                                std::string(name));
  }
  return n;
}

}  // namespace vaxreg::api
