#pragma once
// Time source. Production code takes a Clock& so tests can use tests/fakes/fake_clock.h.
// Implementations must be thread-safe.

#include <chrono>
#include <cstdint>
#include <string>

namespace vaxreg {

using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC). Used for expiries, audit timestamps and certificate dates.
  virtual SystemTime Now() const = 0;
  // Monotonic time for durations and rate limits.
  virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;
};

// The real clocks. A process-wide instance; never destroyed.
class SystemClock final : public Clock {
 public:
  static SystemClock& Get();
  SystemTime Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::now();
  }
};

// Seconds since the Unix epoch.
int64_t ToUnixSeconds(SystemTime t);
SystemTime FromUnixSeconds(int64_t s);
// "2026-11-21T23:40:00Z" (UTC, second precision).
std::string FormatIso8601(SystemTime t);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm)" or "YYYY-MM-DD". Returns false on bad input.
bool ParseIso8601(std::string_view text, SystemTime* out);

}  // namespace vaxreg
