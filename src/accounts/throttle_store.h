#pragma once
// Fixed-window attempt counters kept in the database (table auth_throttle, migration 8), for
// login and one-time-code throttling. Every server process on one database and every restart
// see the same counts, so a limit holds for the whole deployment, not per process.
//
// A key names what is counted ("addr:10.0.0.1", "fail:alice", "otp-cccd:001090012345", ...);
// only its SHA-256 is stored. A window starts at the first hit and lasts `window`; the hit that
// comes after it starts a new window at 1.
//
// Count() reads on any connection; Hit() and Reset() write and must run inside the group-commit
// writer's transaction (writes from several processes are serialised by the database: SQLite's
// write lock, PostgreSQL's row lock on the upsert). Thread-safe.

#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::accounts {

struct ThrottleLimit {
  int max_hits = 0;
  std::chrono::seconds window{0};
};

struct ThrottleState {
  int hits = 0;            // in the current window; 0 when no window is open
  int64_t window_end = 0;  // Unix seconds; 0 when no window is open
};

// The current window of `key` at `now` (Unix seconds).
Result<ThrottleState> ThrottleCount(storage::Connection& conn, std::string_view key, int64_t now);

// Seconds until `key` may act again under `limit` (0 = it may act now).
Result<int64_t> ThrottleRetryAfter(storage::Connection& conn, std::string_view key,
                                   const ThrottleLimit& limit, int64_t now);

// Counts one hit for `key` and returns the hits in its window, this one included. Now and then
// also deletes expired counters of every key.
Result<int> ThrottleHit(storage::Connection& writer, std::string_view key,
                        std::chrono::seconds window, int64_t now);

// Forgets `key` (after a successful login).
Status ThrottleReset(storage::Connection& writer, std::string_view key);

}  // namespace vaxreg::accounts
