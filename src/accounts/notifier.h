#pragma once
// Outbound messages to people (one-time codes now; correction requests and digests later). The
// interface is the seam for an SMS or e-mail gateway; tests use tests/fakes/fake_notifier.h.
//
// Delivery is durable: OutboxNotifier writes each message into the outbox table inside the
// caller's write transaction, and, when a gateway is configured, the delivery workers
// (notify/delivery_worker.h) of every server process on the database hand the pending rows to
// it, retrying with backoff until it accepts or refuses them for good.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts/outbox_seal.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::accounts {

struct Message {
  std::string channel;    // "sms" or "email"
  std::string recipient;  // phone number, e-mail address or username
  std::string subject;
  std::string body;  // the text to deliver (UTF-8); may contain `secret`
  // A one-time code or other secret inside `body`, or "". A message with a secret is stored and
  // logged only as `stored_body`, which must not contain it: the outbox is readable by admins,
  // and whoever reads a citizen's code can log in as that citizen. For delivery, `body` is
  // stored sealed (outbox_seal.h) until it is sent or the secret expires.
  std::string secret;
  std::string stored_body;
  // How long `secret` is any use (a code's lifetime); 0 = the notifier's default. A message
  // still undelivered when it has passed is not delivered (dead) and its sealed text is wiped.
  std::chrono::seconds secret_lifetime{0};
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Called inside the write transaction that caused the message, so a message exists exactly
  // when its cause was committed. Must not block on the network: a gateway implementation queues.
  virtual Status Send(storage::Connection& writer, const Message& message) = 0;
};

// How OutboxNotifier queues messages for a gateway.
struct OutboxDelivery {
  // Seals the text of messages that carry a secret. Required: every process that delivers must
  // hold the same key.
  std::shared_ptr<const OutboxSealKey> key;
  // Lifetime of a secret whose Message gives none (auth.otp_ttl_minutes).
  std::chrono::seconds default_secret_lifetime{300};
};

// The default notifier. Records every message in the outbox table and logs it, without its
// secret: a message carrying one is recorded and logged as its stored_body.
//
// Without an OutboxDelivery (no gateway configured) the row's status is 'logged': nothing
// delivers it. With `demo` (a server started with `serve --demo`, which has no SMS gateway) the
// secret is then also written to the server log, on a line marked DEMO ONLY, so a demo user can
// log in as a citizen. Never enable it on a server holding real people.
//
// With an OutboxDelivery the row is 'pending' and due at once; a message with a secret keeps its
// deliverable text only sealed. No secret is ever logged in this mode, demo or not.
class OutboxNotifier final : public Notifier {
 public:
  explicit OutboxNotifier(const Clock& clock, bool demo = false) : clock_(clock), demo_(demo) {}
  OutboxNotifier(const Clock& clock, bool demo, OutboxDelivery delivery);
  Status Send(storage::Connection& writer, const Message& message) override;

 private:
  const Clock& clock_;
  const bool demo_;
  std::optional<OutboxDelivery> delivery_;
};

struct OutboxMessage {
  int64_t id = 0;
  int64_t created_at = 0;
  Message message;     // body is the stored body (never a secret)
  std::string status;  // logged, pending, sent or dead
  int64_t attempts = 0;
  std::string last_error;
  int64_t sent_at = 0;  // 0 unless sent
};

// Newest first, at most `limit`; only messages to `recipient` when it is not empty.
Result<std::vector<OutboxMessage>> ListOutbox(storage::Connection& conn, std::string_view recipient,
                                              int limit);

}  // namespace vaxreg::accounts
