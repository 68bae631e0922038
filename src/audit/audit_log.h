#pragma once
// The audit log: every write in vaxreg records who did what to which record, with the record
// before and after, in the append-only, hash-chained table audit_log (storage/schema.cc).
//
// Chain: row n stores prev_hash = hash of row n-1 (64 zeros for row 1) and
// hash = SHA-256(prev_hash || the row's own content), content length-prefixed so fields cannot
// be shifted into each other. seq is contiguous, so a deleted row leaves a gap, an inserted or
// renumbered row breaks a link, and an altered row no longer matches its hash.
// What the chain alone cannot show is the removal of the newest rows, a chain rewritten from
// its first row, or an emptied table: signed checkpoints of the head kept outside the database
// (audit/checkpoint.h) anchor it.
//
// Thread-safety: AppendAudit must run inside a write transaction (the group-commit writer); on
// PostgreSQL it takes a transaction-scoped advisory lock so several processes cannot fork the
// chain. VerifyAuditChain and ListAudit read on any connection.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::audit {

struct AuditEntry {
  std::string actor;        // "admin:alice", "system", ...
  std::string action;       // "user.create", "session.create", ...
  std::string target;       // "user:42"
  std::string before_json;  // "null" when the record did not exist
  std::string after_json;   // "null" when the record was removed/voided
  std::string request_id;   // "" outside HTTP
};

struct AuditRecord {
  int64_t seq = 0;
  int64_t at = 0;  // Unix seconds
  AuditEntry entry;
  std::string prev_hash;
  std::string hash;
};

// Appends one row in the caller's transaction. Errors come from the connection.
Status AppendAudit(storage::Connection& conn, const Clock& clock, const AuditEntry& entry);
// Appends `entries` as consecutive rows, in order, in the caller's transaction: one read of the
// head and, on PostgreSQL, one round trip for all the inserts (a group of writes audited at once).
Status AppendAuditEntries(storage::Connection& conn, const Clock& clock,
                          std::span<const AuditEntry> entries);

// The hash a row must carry, given its fields (exposed for tests).
std::string ComputeAuditHash(const AuditRecord& record);

struct VerifyReport {
  bool ok = true;
  int64_t rows_checked = 0;
  int64_t head_seq = 0;       // last row seen
  std::string head_hash;      // its hash
  int64_t first_bad_seq = 0;  // when !ok
  std::string problem;        // when !ok: what was found, e.g. "row 7 was altered"
};

// Walks the whole chain in seq order (streaming in pages) and stops at the first broken row.
Result<VerifyReport> VerifyAuditChain(storage::Connection& conn);

// Walks the rows after `after_seq`, the first of which must link to `after_hash` (the hash of
// row after_seq, or AuditGenesisHash() for 0). Rows up to after_seq are not read; head_seq and
// head_hash start at (after_seq, after_hash); rows_checked counts only the rows walked.
Result<VerifyReport> VerifyAuditChainFrom(storage::Connection& conn, int64_t after_seq,
                                          std::string_view after_hash);

// The prev_hash of row 1: 64 zeros.
const std::string& AuditGenesisHash();

// What to look for in the log; empty fields match everything.
struct AuditQuery {
  int64_t before_seq = 0;      // rows with seq < before_seq (0 = from the newest)
  int limit = 100;
  std::string actor;           // exactly ("user:12", "system")
  std::string target;          // exactly ("person:5", "dose:9")
  std::string action_prefix;   // "dose." matches dose.record, dose.void, ...
  int64_t from = 0, to = 0;    // at >= from, at < to (Unix seconds; 0 = unbounded)
};

// Newest-first page of the rows matching `q`.
Result<std::vector<AuditRecord>> ListAudit(storage::Connection& conn, const AuditQuery& q);

// Newest-first page of the log: rows with seq < before_seq (0 = from the newest), at most limit.
Result<std::vector<AuditRecord>> ListAudit(storage::Connection& conn, int64_t before_seq,
                                           int limit);

}  // namespace vaxreg::audit
