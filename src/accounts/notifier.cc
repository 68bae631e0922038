#include "accounts/notifier.h"

#include "common/logging.h"

namespace vaxreg::accounts {

Status OutboxNotifier::Send(storage::Connection& writer, const Message& m) {
  std::string stored = m.body;
  if (!m.secret.empty()) {
    stored = m.stored_body;
    // A stored_body that still carries the secret (a caller's mistake) is not stored.
    if (stored.empty() || stored.find(m.secret) != std::string::npos) {
      stored = "A message with a secret was sent. The secret is not stored.";
    }
  }
  RETURN_IF_ERROR(
      writer
          .Execute("INSERT INTO outbox (channel, recipient, subject, body, created_at) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   {m.channel, m.recipient, m.subject, stored, ToUnixSeconds(clock_.Now())})
          .status());
  spdlog::info("outbox {} to {}: {}", m.channel, m.recipient, stored);
  if (demo_ && !m.secret.empty()) {
    spdlog::warn("DEMO ONLY (serve --demo, no SMS gateway): outbox {} to {}: code {}", m.channel,
                 m.recipient, m.secret);
  }
  return Status::Ok();
}

Result<std::vector<OutboxMessage>> ListOutbox(storage::Connection& conn, std::string_view recipient,
                                              int limit) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("SELECT id, created_at, channel, recipient, subject, body FROM outbox "
                 "WHERE ($1 = '' OR recipient = $1) ORDER BY id DESC LIMIT $2",
                 {std::string(recipient), int64_t{limit}}));
  std::vector<OutboxMessage> out;
  for (const auto& row : rows) {
    out.push_back(
        {row.Int(0), row.Int(1), {row.Text(2), row.Text(3), row.Text(4), row.Text(5), "", ""}});
  }
  return out;
}

}  // namespace vaxreg::accounts
