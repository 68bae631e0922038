#include "notify/outbox_queue.h"

#include <algorithm>

namespace vaxreg::notify {
namespace {

constexpr std::string_view kLapsedClaim =
    "an earlier delivery attempt did not finish (its process stopped or lost the database)";

// Kept short: last_error is for people reading the outbox, and a gateway's text can be long.
std::string Clip(std::string_view error) {
  constexpr size_t kMax = 500;
  return std::string(error.substr(0, kMax));
}

}  // namespace

Result<std::vector<ClaimedMessage>> ClaimDueMessages(storage::Connection& writer,
                                                     std::string_view token, int64_t now,
                                                     int64_t claim_seconds, int limit) {
  // The same statement on both backends but for the row locks: SQLite has none (the writer
  // lock already serialises claims), PostgreSQL skips rows another claim holds locked.
  const std::string_view lock =
      writer.dialect() == storage::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
  const std::string sql =
      "UPDATE outbox SET attempts = attempts + 1, claim_token = $1, next_attempt_at = $2, "
      "last_error = CASE WHEN claim_token IS NULL THEN last_error ELSE $5 END "
      "WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $3 "
      "ORDER BY next_attempt_at, id LIMIT $4" +
      std::string(lock) +
      ") RETURNING id, channel, recipient, subject, body, sealed_body, secret_expires_at, "
      "attempts, next_attempt_at";
  ASSIGN_OR_RETURN(storage::Rows rows,
                   writer.Query(sql, {std::string(token), now + claim_seconds, now, int64_t{limit},
                                      std::string(kLapsedClaim)}));
  std::vector<ClaimedMessage> out;
  out.reserve(rows.size());
  for (const storage::Row& row : rows) {
    ClaimedMessage m;
    m.id = row.Int(0);
    m.channel = row.Text(1);
    m.recipient = row.Text(2);
    m.subject = row.Text(3);
    m.body = row.Text(4);
    if (!row.IsNull(5)) m.sealed_body = row.Bytes(5);
    m.secret_expires_at = row.IsNull(6) ? 0 : row.Int(6);
    m.attempts = row.Int(7);
    out.push_back(std::move(m));
  }
  // RETURNING keeps no order; deliver in id order (the order they were written).
  std::sort(out.begin(), out.end(),
            [](const ClaimedMessage& a, const ClaimedMessage& b) { return a.id < b.id; });
  return out;
}

Result<bool> MarkSent(storage::Connection& writer, int64_t id, std::string_view token,
                      int64_t now) {
  ASSIGN_OR_RETURN(int64_t changed,
                   writer.Execute("UPDATE outbox SET status = 'sent', sent_at = $3, "
                                  "sealed_body = NULL, next_attempt_at = NULL, claim_token = NULL, "
                                  "last_error = NULL WHERE id = $1 AND claim_token = $2",
                                  {id, std::string(token), now}));
  return changed == 1;
}

Result<bool> MarkRetry(storage::Connection& writer, int64_t id, std::string_view token,
                       int64_t next_attempt_at, std::string_view error) {
  ASSIGN_OR_RETURN(int64_t changed,
                   writer.Execute("UPDATE outbox SET next_attempt_at = $3, last_error = $4, "
                                  "claim_token = NULL WHERE id = $1 AND claim_token = $2",
                                  {id, std::string(token), next_attempt_at, Clip(error)}));
  return changed == 1;
}

Result<bool> MarkDead(storage::Connection& writer, int64_t id, std::string_view token,
                      std::string_view error) {
  ASSIGN_OR_RETURN(int64_t changed,
                   writer.Execute("UPDATE outbox SET status = 'dead', last_error = $3, "
                                  "sealed_body = NULL, next_attempt_at = NULL, claim_token = NULL "
                                  "WHERE id = $1 AND claim_token = $2",
                                  {id, std::string(token), Clip(error)}));
  return changed == 1;
}

Result<bool> ReleaseClaim(storage::Connection& writer, int64_t id, std::string_view token,
                          int64_t now) {
  ASSIGN_OR_RETURN(int64_t changed,
                   writer.Execute("UPDATE outbox SET attempts = attempts - 1, next_attempt_at = "
                                  "$3, claim_token = NULL WHERE id = $1 AND claim_token = $2",
                                  {id, std::string(token), now}));
  return changed == 1;
}

Result<int64_t> ExpireSecrets(storage::Connection& writer, int64_t now) {
  // A pending row under a live claim has claim_token set and next_attempt_at (the claim's end)
  // still ahead; its worker is delivering it and will wipe it with the outcome.
  ASSIGN_OR_RETURN(
      int64_t died,
      writer.Execute("UPDATE outbox SET status = 'dead', sealed_body = NULL, "
                     "next_attempt_at = NULL, claim_token = NULL, last_error = $2 "
                     "WHERE sealed_body IS NOT NULL AND secret_expires_at <= $1 "
                     "AND status = 'pending' AND (claim_token IS NULL OR next_attempt_at <= $1)",
                     {now, std::string("its one-time secret expired before it was delivered")}));
  RETURN_IF_ERROR(writer
                      .Execute("UPDATE outbox SET sealed_body = NULL WHERE sealed_body IS NOT NULL "
                               "AND secret_expires_at <= $1 AND status <> 'pending'",
                               {now})
                      .status());
  return died;
}

Result<bool> AnyMessageDue(storage::Connection& conn, int64_t now) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT id FROM outbox WHERE status = 'pending' AND "
                              "next_attempt_at <= $1 LIMIT 1",
                              {now}));
  return !rows.empty();
}

Result<bool> AnySecretExpired(storage::Connection& conn, int64_t now) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT id FROM outbox WHERE sealed_body IS NOT NULL AND "
                              "secret_expires_at <= $1 LIMIT 1",
                              {now}));
  return !rows.empty();
}

Result<int64_t> CountPending(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'", {}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

}  // namespace vaxreg::notify
