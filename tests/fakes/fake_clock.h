#pragma once
// A settable Clock for tests. Thread-safe.

#include <atomic>
#include <chrono>

#include "common/clock.h"

namespace vaxreg::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(SystemTime start = FromUnixSeconds(1790000000))
      : now_ns_(start.time_since_epoch().count()) {}
  SystemTime Now() const override { return SystemTime(SystemTime::duration(now_ns_.load())); }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            SystemTime::duration(now_ns_.load())));
  }
  void Advance(std::chrono::seconds d) {
    now_ns_ += std::chrono::duration_cast<SystemTime::duration>(d).count();
  }
  void Set(SystemTime t) { now_ns_ = t.time_since_epoch().count(); }

 private:
  std::atomic<SystemTime::rep> now_ns_;
};

}  // namespace vaxreg::testing
