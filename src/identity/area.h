#pragma once
// Shared pieces of the identity review code (review.h, merge.h): the SQL condition that limits
// person rows to a reviewer's administrative unit, and JSON string quoting. Pure; thread-safe.

#include <string>
#include <string_view>

namespace vaxreg::identity {

// SQL condition limiting the people row aliased `alias` to `unit`, bound to parameter $n (the
// caller passes `unit` as that parameter): "VN" is everything, a 2-digit code a province, 3 a
// district, 5 a commune; any other code matches nothing.
std::string UnitCondition(std::string_view alias, const std::string& unit, int n);

// `s` as a JSON string literal, quotes included.
std::string JsonString(std::string_view s);

}  // namespace vaxreg::identity
