#pragma once
// Fixed-window attempt counters for login throttling, per key ("user:alice", "addr:10.0.0.1").
// In memory, per process: a deployment with several processes behind a balancer gets a limit per
// process, which still bounds guessing. Thread-safe.

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace vaxreg::accounts {

class RateLimiter final {
 public:
  // At most `max_events` events per key within `window`.
  RateLimiter(const Clock& clock, int max_events, std::chrono::seconds window)
      : clock_(clock), max_events_(max_events), window_(window) {}

  // Seconds until the key may act again, or 0 if it may act now.
  int64_t RetryAfterSeconds(const std::string& key);
  // Counts one event for the key.
  void Record(const std::string& key);
  // Forgets the key (after a successful login).
  void Reset(const std::string& key);

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    int count = 0;
  };
  void PruneLocked(std::chrono::steady_clock::time_point now);

  const Clock& clock_;
  const int max_events_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
  size_t records_since_prune_ = 0;
};

}  // namespace vaxreg::accounts
