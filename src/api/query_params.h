#pragma once
// Parsing of the query parameters shared by list endpoints. kInvalidArgument names the field.

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "geo/admin_units.h"
#include "http/types.h"

namespace vaxreg::api {

inline constexpr int kMaxPageSize = 500;

// A whole decimal number (an optional '-' and digits, nothing else); false otherwise.
bool ParseInt64(std::string_view s, int64_t* out);

// ?limit=N, 1..kMaxPageSize, default 100.
Result<int> PageLimit(const http::Request& req);
// ?name=N, a non-negative integer, 0 when absent.
Result<int64_t> NonNegativeIntParam(const http::Request& req, std::string_view name);
// ?name=CODE, the code of an administrative unit of `level` (a province: 2 digits, a district:
// 3, a commune: 5); "" when absent.
Result<std::string> AdminUnitParam(const http::Request& req, std::string_view name,
                                   geo::Level level);
// Path parameter {name} as a positive integer.
Result<int64_t> IdPathParam(const http::RequestContext& ctx, std::string_view name);

}  // namespace vaxreg::api
