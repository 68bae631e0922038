#include "accounts/session_cache.h"

#include <algorithm>
#include <functional>

namespace vaxreg::accounts {

SessionCache::SessionCache(const Clock& clock, std::chrono::seconds ttl, size_t capacity)
    : clock_(clock), ttl_(ttl), shard_capacity_(std::max<size_t>(1, capacity / kShards)) {}

SessionCache::Shard& SessionCache::ShardFor(const std::string& token_hash) const {
  return shards_[std::hash<std::string>{}(token_hash) % kShards];
}

std::optional<auth::Principal> SessionCache::Find(const std::string& token_hash) const {
  if (!enabled()) return std::nullopt;
  Shard& shard = ShardFor(token_hash);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(token_hash);
  if (it == shard.entries.end()) return std::nullopt;
  if (clock_.SteadyNow() >= it->second.until) {
    shard.entries.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void SessionCache::Insert(const std::string& token_hash, const auth::Principal& principal,
                          int64_t session_expires_at, uint64_t generation) {
  if (!enabled()) return;
  // The session's remaining life, measured on the wall clock, bounds the entry's life.
  const int64_t left = session_expires_at - ToUnixSeconds(clock_.Now());
  if (left <= 0) return;
  const auto life = std::min<std::chrono::seconds>(ttl_, std::chrono::seconds(left));
  Shard& shard = ShardFor(token_hash);
  std::lock_guard lock(shard.mu);
  // Checked under the shard lock that Erase also takes, so an Erase either happened before
  // (generation moved: skip) or will remove this entry after.
  if (generation_.load(std::memory_order_acquire) != generation) return;
  if (shard.entries.size() >= shard_capacity_) shard.entries.clear();
  shard.entries.insert_or_assign(token_hash, Entry{principal, clock_.SteadyNow() + life});
}

void SessionCache::Erase(const std::string& token_hash) {
  Shard& shard = ShardFor(token_hash);
  std::lock_guard lock(shard.mu);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  shard.entries.erase(token_hash);
}

void SessionCache::EraseUser(int64_t user_id) {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    std::erase_if(shard.entries,
                  [user_id](const auto& kv) { return kv.second.principal.user_id == user_id; });
  }
}

}  // namespace vaxreg::accounts
