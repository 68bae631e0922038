#pragma once
// Outbound notifications as a server runs them: the notifier that records messages, and, when a
// gateway is configured (notify.gateway_url), the sealing key, the HTTP gateway channel and the
// delivery worker. app/runtime.cc builds one from the configuration, takes its notifier before
// the services start, starts delivery once the writer runs, and stops it before the writer.
//
// Without a gateway, nothing changes from a server with no delivery at all: messages are
// recorded with status 'logged' and logged without their secrets (and, under serve --demo, the
// DEMO ONLY line with the code), and nothing is ever sent.
//
// With a gateway, a notification secret key is required (the hex key in the environment
// variable VAXREG_NOTIFY_SECRET_KEY, or in notify.secret_key_file): one-time codes are stored
// sealed under it (accounts/outbox_seal.h), and every server delivering from the same database
// must hold the same key. Messages written by a server without a gateway are never delivered by
// one with it ('logged' is final).
//
// Thread-safety: Create, StartDelivery and StopDelivery from one thread (start-up and shutdown);
// notifier() is used from any thread.

#include <memory>
#include <string>

#include "accounts/notifier.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "notify/delivery_worker.h"
#include "notify/http_gateway_channel.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::notify {

struct OutboundOptions {
  HttpGatewayOptions gateway;   // gateway.url "" = no delivery
  DeliveryOptions delivery;     // its claim_timeout is derived from batch_size and gateway.timeout
  std::string secret_key_file;  // notify.secret_key_file
  std::string secret_key_hex;   // VAXREG_NOTIFY_SECRET_KEY; wins over the file
  std::chrono::seconds default_secret_lifetime{300};  // auth.otp_ttl_minutes
  bool demo = false;                                  // serve --demo (accounts::OutboxNotifier)
};

class OutboundNotifications final {
 public:
  // kInvalidArgument naming the notify.* key for a bad gateway configuration, a missing or bad
  // secret key, or bad delivery numbers.
  static Result<std::unique_ptr<OutboundNotifications>> Create(OutboundOptions options,
                                                               const Clock& clock);
  ~OutboundNotifications();  // StopDelivery()

  accounts::Notifier& notifier() { return *notifier_; }
  bool delivers() const { return channel_ != nullptr; }

  // Starts the delivery worker on its own thread (nothing without a gateway). The database,
  // writer and registry must outlive StopDelivery().
  void StartDelivery(storage::Database& db, storage::GroupCommitWriter& writer,
                     MetricsRegistry& metrics);
  // Finishes the message in flight and stops the worker. Idempotent.
  void StopDelivery();

 private:
  explicit OutboundNotifications(const Clock& clock) : clock_(clock) {}

  const Clock& clock_;
  OutboundOptions options_;
  std::shared_ptr<const accounts::OutboxSealKey> key_;
  std::unique_ptr<accounts::Notifier> notifier_;
  std::unique_ptr<HttpGatewayChannel> channel_;
  std::unique_ptr<DeliveryWorker> worker_;
};

}  // namespace vaxreg::notify
