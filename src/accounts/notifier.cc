#include "accounts/notifier.h"

#include "common/logging.h"

namespace vaxreg::accounts {

OutboxNotifier::OutboxNotifier(const Clock& clock, bool demo, OutboxDelivery delivery)
    : clock_(clock), demo_(demo), delivery_(std::move(delivery)) {
  CHECK(delivery_->key != nullptr);
}

Status OutboxNotifier::Send(storage::Connection& writer, const Message& m) {
  std::string stored = m.body;
  if (!m.secret.empty()) {
    stored = m.stored_body;
    // A stored_body that still carries the secret (a caller's mistake) is not stored.
    if (stored.empty() || stored.find(m.secret) != std::string::npos) {
      stored = "A message with a secret was sent. The secret is not stored.";
    }
  }
  const int64_t now = ToUnixSeconds(clock_.Now());
  if (!delivery_) {
    RETURN_IF_ERROR(
        writer
            .Execute("INSERT INTO outbox (channel, recipient, subject, body, created_at, status) "
                     "VALUES ($1, $2, $3, $4, $5, 'logged')",
                     {m.channel, m.recipient, m.subject, stored, now})
            .status());
    spdlog::info("outbox {} to {}: {}", m.channel, m.recipient, stored);
    if (demo_ && !m.secret.empty()) {
      spdlog::warn("DEMO ONLY (serve --demo, no SMS gateway): outbox {} to {}: code {}", m.channel,
                   m.recipient, m.secret);
    }
    return Status::Ok();
  }
  storage::Value sealed = nullptr;
  storage::Value secret_expires_at = nullptr;
  if (!m.secret.empty()) {
    sealed = storage::Blob{delivery_->key->Seal(m.body, m.channel, m.recipient)};
    const auto lifetime =
        m.secret_lifetime.count() > 0 ? m.secret_lifetime : delivery_->default_secret_lifetime;
    secret_expires_at = now + static_cast<int64_t>(lifetime.count());
  }
  RETURN_IF_ERROR(writer
                      .Execute("INSERT INTO outbox (channel, recipient, subject, body, created_at, "
                               "status, attempts, next_attempt_at, sealed_body, secret_expires_at) "
                               "VALUES ($1, $2, $3, $4, $5, 'pending', 0, $5, $6, $7)",
                               {m.channel, m.recipient, m.subject, stored, now, std::move(sealed),
                                std::move(secret_expires_at)})
                      .status());
  spdlog::info("outbox {} to {} (queued for the gateway): {}", m.channel, m.recipient, stored);
  return Status::Ok();
}

Result<std::vector<OutboxMessage>> ListOutbox(storage::Connection& conn, std::string_view recipient,
                                              int limit) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("SELECT id, created_at, channel, recipient, subject, body, status, attempts, "
                 "last_error, sent_at FROM outbox "
                 "WHERE ($1 = '' OR recipient = $1) ORDER BY id DESC LIMIT $2",
                 {std::string(recipient), int64_t{limit}}));
  std::vector<OutboxMessage> out;
  for (const auto& row : rows) {
    OutboxMessage m;
    m.id = row.Int(0);
    m.created_at = row.Int(1);
    m.message.channel = row.Text(2);
    m.message.recipient = row.Text(3);
    m.message.subject = row.Text(4);
    m.message.body = row.Text(5);
    m.status = row.Text(6);
    m.attempts = row.Int(7);
    m.last_error = row.Text(8);
    m.sent_at = row.Int(9);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace vaxreg::accounts
