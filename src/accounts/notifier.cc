#include "accounts/notifier.h"

#include "common/logging.h"

namespace vaxreg::accounts {

Status OutboxNotifier::Send(storage::Connection& writer, const Message& m) {
  RETURN_IF_ERROR(writer
                      .Execute("INSERT INTO outbox (channel, recipient, subject, body, created_at) "
                               "VALUES ($1, $2, $3, $4, $5)",
                               {m.channel, m.recipient, m.subject, m.body,
                                ToUnixSeconds(clock_.Now())})
                      .status());
  spdlog::info("outbox {} to {}: {}", m.channel, m.recipient, m.body);
  return Status::Ok();
}

Result<std::vector<OutboxMessage>> ListOutbox(storage::Connection& conn,
                                              std::string_view recipient, int limit) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("SELECT id, created_at, channel, recipient, subject, body FROM outbox "
                 "WHERE ($1 = '' OR recipient = $1) ORDER BY id DESC LIMIT $2",
                 {std::string(recipient), int64_t{limit}}));
  std::vector<OutboxMessage> out;
  for (const auto& row : rows) {
    out.push_back({row.Int(0), row.Int(1), {row.Text(2), row.Text(3), row.Text(4), row.Text(5)}});
  }
  return out;
}

}  // namespace vaxreg::accounts
