#pragma once
// Outbound messages to people (one-time codes now; correction deadlines later). The interface is
// the seam for an SMS or e-mail gateway; tests use tests/fakes/fake_notifier.h.

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::accounts {

struct Message {
  std::string channel;    // "sms"
  std::string recipient;  // phone number or username
  std::string subject;
  std::string body;
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Called inside the write transaction that caused the message, so a message exists exactly
  // when its cause was committed. Must not block on the network: a gateway implementation queues.
  virtual Status Send(storage::Connection& writer, const Message& message) = 0;
};

// The default: writes the message to the outbox table and to the log, so a demo operator (and the
// tests) can read one-time codes. A production deployment replaces it with a gateway that drains
// the outbox.
class OutboxNotifier final : public Notifier {
 public:
  explicit OutboxNotifier(const Clock& clock) : clock_(clock) {}
  Status Send(storage::Connection& writer, const Message& message) override;

 private:
  const Clock& clock_;
};

struct OutboxMessage {
  int64_t id = 0;
  int64_t created_at = 0;
  Message message;
};

// Newest first, at most `limit`; only messages to `recipient` when it is not empty.
Result<std::vector<OutboxMessage>> ListOutbox(storage::Connection& conn,
                                              std::string_view recipient, int limit);

}  // namespace vaxreg::accounts
