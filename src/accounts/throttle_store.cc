#include "accounts/throttle_store.h"

#include <atomic>

#include "common/crypto_util.h"

namespace vaxreg::accounts {
namespace {

std::string KeyHash(std::string_view key) { return HexEncode(Sha256(key)); }

// Expired counters are deleted once every this many hits in a process: cheap, and the table
// stays bounded by the keys active within the longest window.
constexpr uint32_t kPruneEvery = 256;
std::atomic<uint32_t> hits_since_prune{0};

}  // namespace

Result<ThrottleState> ThrottleCount(storage::Connection& conn, std::string_view key, int64_t now) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT hits, expires_at FROM auth_throttle WHERE key_hash = $1 "
                              "AND expires_at > $2",
                              {KeyHash(key), now}));
  ThrottleState state;
  if (!rows.empty()) {
    state.hits = static_cast<int>(rows[0].Int(0));
    state.window_end = rows[0].Int(1);
  }
  return state;
}

Result<int64_t> ThrottleRetryAfter(storage::Connection& conn, std::string_view key,
                                   const ThrottleLimit& limit, int64_t now) {
  ASSIGN_OR_RETURN(ThrottleState state, ThrottleCount(conn, key, now));
  if (state.hits < limit.max_hits) return int64_t{0};
  return std::max<int64_t>(1, state.window_end - now);
}

Result<int> ThrottleHit(storage::Connection& writer, std::string_view key,
                        std::chrono::seconds window, int64_t now) {
  if (hits_since_prune.fetch_add(1, std::memory_order_relaxed) + 1 >= kPruneEvery) {
    hits_since_prune.store(0, std::memory_order_relaxed);
    RETURN_IF_ERROR(
        writer.Execute("DELETE FROM auth_throttle WHERE expires_at <= $1", {now}).status());
  }
  const int64_t expires = now + window.count();
  // One statement, so two processes hitting the same key at once both count.
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      writer.Query("INSERT INTO auth_throttle (key_hash, window_start, expires_at, hits) "
                   "VALUES ($1, $2, $3, 1) ON CONFLICT (key_hash) DO UPDATE SET "
                   "hits = CASE WHEN auth_throttle.expires_at <= $2 THEN 1 "
                   "ELSE auth_throttle.hits + 1 END, "
                   "window_start = CASE WHEN auth_throttle.expires_at <= $2 THEN $2 "
                   "ELSE auth_throttle.window_start END, "
                   "expires_at = CASE WHEN auth_throttle.expires_at <= $2 THEN $3 "
                   "ELSE auth_throttle.expires_at END "
                   "RETURNING hits",
                   {KeyHash(key), now, expires}));
  if (rows.empty()) return InternalError("throttle counter was not written");
  return static_cast<int>(rows[0].Int(0));
}

Status ThrottleReset(storage::Connection& writer, std::string_view key) {
  return writer.Execute("DELETE FROM auth_throttle WHERE key_hash = $1", {KeyHash(key)}).status();
}

}  // namespace vaxreg::accounts
