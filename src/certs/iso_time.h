#pragma once
// Lenient ISO-8601 instants as found in DCC payloads and test vectors. Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace vaxreg::certs {

// Parses "YYYY-MM-DD(T| )HH:MM[:SS[(.|,)f{1,9}]][offset]" where offset is "Z", "z", "+hh:mm",
// "+hhmm", "+hh" (or '-'), or absent, which means UTC (never local time). Fractions keep up to
// nanosecond precision. Returns nullopt on anything else, including a date without a time and
// out-of-range fields.
std::optional<SystemTime> ParseIsoDateTime(std::string_view text);

// Like ParseIsoDateTime but also accepts a bare "YYYY-MM-DD" (midnight UTC).
std::optional<SystemTime> ParseIsoDateOrDateTime(std::string_view text);

// "2021-05-24T13:20:00.5Z": UTC, with a fraction only when the instant has one.
std::string FormatIsoInstant(SystemTime t);

}  // namespace vaxreg::certs
