#include "accounts/rate_limiter.h"

namespace vaxreg::accounts {

int64_t RateLimiter::RetryAfterSeconds(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) return 0;
  auto now = clock_.SteadyNow();
  auto end = it->second.start + window_;
  if (now >= end) {
    windows_.erase(it);
    return 0;
  }
  if (it->second.count < max_events_) return 0;
  return std::chrono::ceil<std::chrono::seconds>(end - now).count();
}

void RateLimiter::Record(const std::string& key) {
  std::lock_guard lock(mu_);
  auto now = clock_.SteadyNow();
  // Bounded memory under a flood of distinct keys: drop expired windows now and then.
  if (++records_since_prune_ >= 4096) PruneLocked(now);
  Window& w = windows_[key];
  if (w.count == 0 || now >= w.start + window_) {
    w.start = now;
    w.count = 0;
  }
  ++w.count;
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  windows_.erase(key);
}

void RateLimiter::PruneLocked(std::chrono::steady_clock::time_point now) {
  records_since_prune_ = 0;
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now >= it->second.start + window_) {
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace vaxreg::accounts
