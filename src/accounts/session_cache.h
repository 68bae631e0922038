#pragma once
// A short-lived, in-process cache of authenticated sessions: bearer-token hash -> principal.
// Every authenticated request would otherwise read `sessions` and `users`; with the cache a busy
// client costs one hash-map lookup per request.
//
// Contract:
// - An entry lives until min(inserted + ttl, the session's own expiry). ttl 0 disables the cache.
// - Erase() (logout through this process) and EraseUser() remove entries at once, and a lookup that
// started
//   before the Erase cannot put a stale entry back (every Erase bumps a generation that Insert
//   checks). Another process serving the same database may still accept a revoked token for up
//   to ttl; that is the price of the cache and why ttl is seconds, not minutes.
// - Bounded: a shard that reaches its share of `capacity` is emptied before the next insert.
// Thread-safe.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/role.h"
#include "common/clock.h"

namespace vaxreg::accounts {

class SessionCache final {
 public:
  SessionCache(const Clock& clock, std::chrono::seconds ttl, size_t capacity = 100000);

  bool enabled() const { return ttl_.count() > 0; }

  // The generation to pass to Insert; read it before reading the session from the database.
  uint64_t Generation() const { return generation_.load(std::memory_order_acquire); }

  std::optional<auth::Principal> Find(const std::string& token_hash) const;

  // Caches `principal` for `token_hash` unless an Erase happened since `generation` was read.
  void Insert(const std::string& token_hash, const auth::Principal& principal,
              int64_t session_expires_at, uint64_t generation);

  void Erase(const std::string& token_hash);

  // Removes every entry of the user (account disabled, sessions revoked, role changed), with the
  // same guard against a lookup that started before.
  void EraseUser(int64_t user_id);

 private:
  struct Entry {
    auth::Principal principal;
    std::chrono::steady_clock::time_point until;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
  };
  static constexpr size_t kShards = 16;
  Shard& ShardFor(const std::string& token_hash) const;

  const Clock& clock_;
  const std::chrono::seconds ttl_;
  const size_t shard_capacity_;
  std::atomic<uint64_t> generation_{0};
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace vaxreg::accounts
