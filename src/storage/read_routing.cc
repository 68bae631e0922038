// ReadRouting: replica reads behind a write fence (see read_routing.h).

#include "storage/read_routing.h"

#include <charconv>
#include <cstdio>


namespace vaxreg::storage {

namespace {

std::optional<uint32_t> ParseHalf(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<uint64_t> ParseLsn(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto hi = ParseHalf(text.substr(0, slash));
  auto lo = ParseHalf(text.substr(slash + 1));
  if (!hi || !lo) return std::nullopt;
  return (uint64_t{*hi} << 32) | *lo;
}

std::string FormatLsn(uint64_t lsn) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xffffffffu));
  return buf;
}

ReadRouting::ReadRouting(Database& primary, std::unique_ptr<Database> replica)
    : primary_(primary), replica_(std::move(replica)) {
  if (replica_) {
    // A read replica needs PostgreSQL on both sides.
    CHECK(primary_.dialect() == Dialect::kPostgres && replica_->dialect() == Dialect::kPostgres);
  }
}

int64_t ReadRouting::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<PooledConnection> ReadRouting::FromPrimary(bool* on_replica) {
  if (on_replica != nullptr) *on_replica = false;
  on_primary_.fetch_add(1, std::memory_order_relaxed);
  return primary_.Acquire();
}

bool ReadRouting::Probe(Connection& conn) {
  auto rows = conn.Query("SELECT pg_last_wal_replay_lsn()::text", {});
  if (!rows.ok() || rows->empty()) {
    down_until_ms_.store(NowMs() + kRetryAfter.count(), std::memory_order_relaxed);
    return false;
  }
  // NULL: the server is not replaying WAL (a primary, perhaps one promoted after a failover), so
  // its position says nothing about the primary's writes; fenced reads go to the primary.
  if ((*rows)[0].IsNull(0)) return false;
  if (auto lsn = ParseLsn((*rows)[0].Text(0))) {
    uint64_t seen = replayed_.load(std::memory_order_relaxed);
    while (*lsn > seen && !replayed_.compare_exchange_weak(seen, *lsn)) {
    }
  }
  return true;
}

Result<PooledConnection> ReadRouting::AcquireForRead(std::string_view fence, bool* on_replica) {
  if (!replica_) {
    if (on_replica != nullptr) *on_replica = false;
    return primary_.Acquire();
  }
  const int64_t now = NowMs();
  if (now < down_until_ms_.load(std::memory_order_relaxed)) return FromPrimary(on_replica);
  auto conn = replica_->Acquire();
  if (!conn.ok()) {
    down_until_ms_.store(now + kRetryAfter.count(), std::memory_order_relaxed);
    return FromPrimary(on_replica);
  }
  const std::optional<uint64_t> wanted = ParseLsn(fence);
  const bool fence_ahead = wanted && *wanted > replayed_.load(std::memory_order_relaxed);
  int64_t last = last_probe_ms_.load(std::memory_order_relaxed);
  const bool probe_due = now - last >= kProbeInterval.count() &&
                         last_probe_ms_.compare_exchange_strong(last, now);
  // A pooled session the replica dropped (it stopped or restarted) is probed at once: the probe
  // reconnects it, or finds the replica gone and sends reads to the primary for kRetryAfter.
  if (fence_ahead || probe_due || (*conn)->Broken()) {
    const bool replaying = Probe(**conn);
    if (now < down_until_ms_.load(std::memory_order_relaxed)) return FromPrimary(on_replica);
    if (wanted && (!replaying || *wanted > replayed_.load(std::memory_order_relaxed))) {
      return FromPrimary(on_replica);  // the replica has not caught up with this caller's write yet
    }
  }
  on_replica_.fetch_add(1, std::memory_order_relaxed);
  if (on_replica != nullptr) *on_replica = true;
  return conn;
}

Result<std::string> ReadRouting::WriteFence() {
  if (!replica_) return std::string();
  ASSIGN_OR_RETURN(PooledConnection conn, primary_.Acquire());
  ASSIGN_OR_RETURN(Rows rows, conn->Query("SELECT pg_current_wal_lsn()::text", {}));
  if (rows.empty()) return InternalError("pg_current_wal_lsn() returned no row");
  return rows[0].Text(0);
}

}  // namespace vaxreg::storage
