#pragma once
// Where read-only work goes: a PostgreSQL streaming replica when `database.read_url` names one,
// the primary otherwise.
//
// A replica replays the primary's WAL some milliseconds late, so a reader that has just written
// could miss its own write there. Callers therefore carry a *fence*: the primary's WAL position
// (an LSN such as "0/16B3748") read after their last write (WriteFence). A read with a fence is
// answered by the replica only once the replica has replayed up to it; until then it goes to the
// primary. Reads without a fence may be a little stale and prefer the replica.
//
// The replica's health is probed on a read at most every kProbeInterval, and whenever the pooled
// session handed out was dropped by the server (the same query reads the replay position); a
// replica that cannot be reached is left alone for kRetryAfter, and every read goes to the
// primary meanwhile. A read that fails on a replica dying between probes is answered 503 by its
// handler, like any lost database connection.
//
// Thread-safe. Without a replica, AcquireForRead() is the primary's Acquire() and WriteFence()
// returns "" at no cost.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::storage {

// "X/Y" (two hexadecimal halves of at most 8 digits, PostgreSQL's pg_lsn text form) as one
// 64-bit position; nullopt when `text` is not that form.
std::optional<uint64_t> ParseLsn(std::string_view text);
std::string FormatLsn(uint64_t lsn);

class ReadRouting {
 public:
  static constexpr std::chrono::milliseconds kProbeInterval{250};
  static constexpr std::chrono::milliseconds kRetryAfter{1000};

  // `replica` may be null (every read goes to `primary`). Both must be PostgreSQL when a replica
  // is given (CHECK-fails otherwise: the configuration is validated before).
  ReadRouting(Database& primary, std::unique_ptr<Database> replica);

  bool has_replica() const { return replica_ != nullptr; }
  Database& primary() { return primary_; }

  // A connection for read-only work that sees every write committed up to `fence` (an LSN from
  // WriteFence; "" or unparsable = no fence). `on_replica`, when given, tells where it went.
  Result<PooledConnection> AcquireForRead(std::string_view fence, bool* on_replica = nullptr);

  // The primary's current WAL position, read after a write has committed: the writer's fence.
  // "" without a replica.
  Result<std::string> WriteFence();

  // Reads sent to each side since start (metrics and tests).
  int64_t reads_on_replica() const { return on_replica_.load(std::memory_order_relaxed); }
  int64_t reads_on_primary() const { return on_primary_.load(std::memory_order_relaxed); }

 private:
  Result<PooledConnection> FromPrimary(bool* on_replica);
  // Reads the replica's replay position on `conn` into replayed_; false when the query fails
  // (the replica is then skipped for kRetryAfter) or the server is not in recovery.
  bool Probe(Connection& conn);
  static int64_t NowMs();

  Database& primary_;
  std::unique_ptr<Database> replica_;
  // The highest replay position seen on the replica: a fence at or below it needs no question.
  std::atomic<uint64_t> replayed_{0};
  std::atomic<int64_t> last_probe_ms_{0};
  std::atomic<int64_t> down_until_ms_{0};
  std::atomic<int64_t> on_replica_{0};
  std::atomic<int64_t> on_primary_{0};
};

}  // namespace vaxreg::storage
