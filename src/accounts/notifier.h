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
  std::string body;  // the text to deliver; may contain `secret`
  // A one-time code or other secret inside `body`, or "". A message with a secret is stored and
  // logged only as `stored_body`, which must not contain it: the outbox is readable by admins,
  // and whoever reads a citizen's code can log in as that citizen.
  std::string secret;
  std::string stored_body;
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Called inside the write transaction that caused the message, so a message exists exactly
  // when its cause was committed. Must not block on the network: a gateway implementation queues.
  virtual Status Send(storage::Connection& writer, const Message& message) = 0;
};

// The default: records in the outbox table (and the log) that a message was sent, without its
// secret: a message carrying one is recorded as its stored_body. A production deployment
// replaces it with a gateway that hands `body` to the SMS provider.
//
// With `demo` (a server started with `serve --demo`, which has no SMS gateway) the secret is
// also written to the server log, on a line marked DEMO ONLY, so a demo user can log in as a
// citizen. Never enable it on a server holding real people.
class OutboxNotifier final : public Notifier {
 public:
  explicit OutboxNotifier(const Clock& clock, bool demo = false) : clock_(clock), demo_(demo) {}
  Status Send(storage::Connection& writer, const Message& message) override;

 private:
  const Clock& clock_;
  const bool demo_;
};

struct OutboxMessage {
  int64_t id = 0;
  int64_t created_at = 0;
  Message message;
};

// Newest first, at most `limit`; only messages to `recipient` when it is not empty.
Result<std::vector<OutboxMessage>> ListOutbox(storage::Connection& conn, std::string_view recipient,
                                              int limit);

}  // namespace vaxreg::accounts
