#pragma once
// The delivery state of outbox rows (migration 13, storage/schema_outbox_delivery.h): claiming
// due messages, recording each attempt's outcome, wiping expired secrets. The SQL of the
// delivery workers, kept apart from their loop so that tests can play a crashed process.
//
// Claims: several server processes deliver from one database. A worker claims a batch in one
// write: each row gets a random claim token, its attempt count goes up, and next_attempt_at
// moves to when the claim expires, so no other worker sees it as due until then. On PostgreSQL
// the candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent claims take disjoint
// rows without waiting; on SQLite the writer lock (BEGIN IMMEDIATE) serialises them. Every
// outcome is written only while the row still carries the claim's token: a worker whose claim
// expired (it was too slow or its process was stopped) and was taken over cannot overwrite the
// new claimant's outcome. A process that dies holding a claim leaves rows that are due again
// once it expires; their next claim notes the unfinished attempt in last_error.
//
// Every function writes on the connection it is given (the group-commit writer's, inside its
// transaction) except AnyMessageDue, AnySecretExpired and CountPending, which only read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::notify {

struct ClaimedMessage {
  int64_t id = 0;
  std::string channel;
  std::string recipient;
  std::string subject;
  std::string body;                        // the stored body (never a secret)
  std::optional<std::string> sealed_body;  // the text to deliver, sealed, if it has a secret
  int64_t secret_expires_at = 0;           // 0 = no secret
  int64_t attempts = 0;                    // attempts started, this one included
};

// Claims up to `limit` pending messages due at `now` (oldest due first) under `token` until
// now + claim_seconds.
Result<std::vector<ClaimedMessage>> ClaimDueMessages(storage::Connection& writer,
                                                     std::string_view token, int64_t now,
                                                     int64_t claim_seconds, int limit);

// Outcomes of a claimed message. Each returns false when the row no longer carries `token` (the
// claim was lost) and changes nothing then.
// Accepted by the gateway: 'sent' at `now`; the sealed text is wiped.
Result<bool> MarkSent(storage::Connection& writer, int64_t id, std::string_view token, int64_t now);
// Failed, to be tried again at `next_attempt_at`.
Result<bool> MarkRetry(storage::Connection& writer, int64_t id, std::string_view token,
                       int64_t next_attempt_at, std::string_view error);
// Given up: 'dead' with `error`; the sealed text is wiped.
Result<bool> MarkDead(storage::Connection& writer, int64_t id, std::string_view token,
                      std::string_view error);
// Not attempted after all (the worker is stopping): due again at `now`, the attempt not counted.
Result<bool> ReleaseClaim(storage::Connection& writer, int64_t id, std::string_view token,
                          int64_t now);

// Wipes every sealed text whose secret expired by `now`, except in messages under a live claim
// (their outcome wipes it). A pending message among them becomes 'dead': a code past its
// lifetime is worth nothing to its recipient. Returns how many pending messages died so.
Result<int64_t> ExpireSecrets(storage::Connection& writer, int64_t now);

// Cheap reads (the partial indexes) that spare a write transaction when there is nothing to do.
Result<bool> AnyMessageDue(storage::Connection& conn, int64_t now);
Result<bool> AnySecretExpired(storage::Connection& conn, int64_t now);
// Messages waiting for delivery or being delivered.
Result<int64_t> CountPending(storage::Connection& conn);

}  // namespace vaxreg::notify
