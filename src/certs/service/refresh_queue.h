#pragma once
// The duty to bring certificates in line with the record (migration 18,
// certificate_refresh_queue). A change to a person's signed doses or identity (a correction
// approved, a dose voided, a record corrected or merged) enqueues the person in the same
// transaction as the change, so the duty cannot be lost between the commit and the re-issue.
// Handling a row (CertificateAuthority::HandleRefreshes): sign the listed facilities' unsigned
// doses, re-issue or revoke the person's certificate, delete the row.
//
// Once across processes: a row is handled under a claim (claim_token, due_at moved to the
// claim's end). The process that made the change claims its rows at once; every process's
// refresh worker claims rows that are due, which a fresh row becomes only after `grace_seconds`,
// so normally the change's own process answers with the new certificate, and after a crash or a
// failed attempt another process takes the row over within seconds. PostgreSQL claims skip rows
// another claim holds locked; SQLite's single writer serialises them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::certs {

struct RefreshDuty {
  int64_t person_id = 0;
  std::vector<std::string> facilities;  // distinct, in first-enqueued order
  bool identity_changed = false;
  int attempts = 0;  // claims so far, this one included
};

// Inside the change's transaction: enqueues each person of `people` who holds an active
// certificate (others have nothing to follow; their first certificate is the signer's step),
// due for any worker at now + grace_seconds. A person already queued keeps one row: the
// facilities are added, identity_changed is or-ed, the row becomes unclaimed (a claim in
// progress no longer finishes it) and due at the earlier time. Returns how many were queued.
Result<int64_t> EnqueueCertificateRefresh(storage::Connection& conn, int64_t now,
                                          std::span<const int64_t> people,
                                          std::span<const std::string> facilities,
                                          bool identity_changed, int64_t grace_seconds);

// Claims up to `limit` due rows (due_at <= now), or, when `people` is not empty, the rows of
// those people that are unclaimed or whose claim lapsed, whatever their due time. The claim
// lasts until now + claim_seconds. Commits at once (writer connection, outside a transaction).
Result<std::vector<RefreshDuty>> ClaimCertificateRefreshes(storage::Connection& writer,
                                                           std::string_view token, int64_t now,
                                                           int64_t claim_seconds, int limit,
                                                           std::span<const int64_t> people = {});

// Whether any row is due (a read, for the worker's poll).
Result<bool> AnyCertificateRefreshDue(storage::Connection& conn, int64_t now);

// Deletes the person's row if `token` still claims it; false when a newer change re-queued it
// (or another claimant took it over), which then stays for the next claim.
Result<bool> FinishCertificateRefresh(storage::Connection& writer, int64_t person_id,
                                      std::string_view token);

// Gives the claim up after a failed attempt: due again at `retry_at`, with the error kept.
Status FailCertificateRefresh(storage::Connection& writer, int64_t person_id,
                              std::string_view token, std::string_view error, int64_t retry_at);

// Rows queued, and the oldest enqueued_at (0 when empty): for /metrics.
struct RefreshBacklog {
  int64_t queued = 0;
  int64_t oldest_enqueued_at = 0;
};
Result<RefreshBacklog> CertificateRefreshBacklog(storage::Connection& conn);

}  // namespace vaxreg::certs
