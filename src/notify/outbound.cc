#include "notify/outbound.h"

#include "common/logging.h"

namespace vaxreg::notify {

Result<std::unique_ptr<OutboundNotifications>> OutboundNotifications::Create(OutboundOptions o,
                                                                             const Clock& clock) {
  std::unique_ptr<OutboundNotifications> out(new OutboundNotifications(clock));
  if (o.gateway.url.empty()) {
    out->notifier_ = std::make_unique<accounts::OutboxNotifier>(clock, o.demo);
    out->options_ = std::move(o);
    return out;
  }

  DeliveryOptions& d = o.delivery;
  if (d.max_attempts < 1) {
    return InvalidArgumentError("notify.max_attempts must be at least 1", "notify.max_attempts");
  }
  if (d.backoff_initial.count() < 1 || d.backoff_max < d.backoff_initial) {
    return InvalidArgumentError(
        "notify.backoff_initial_seconds must be at least 1 and at most "
        "notify.backoff_max_seconds",
        "notify.backoff_initial_seconds");
  }
  if (d.poll_interval.count() < 1) {
    return InvalidArgumentError("notify.poll_interval_ms must be positive",
                                "notify.poll_interval_ms");
  }
  // A claim covers a whole batch sent one message after another, each up to the timeout, with
  // room for the outcomes' commits.
  d.send_timeout = o.gateway.timeout;
  const int64_t per_message =
      (o.gateway.timeout.count() + 999) / 1000 + 5;  // DeliveryWorker's margin included
  d.claim_timeout = std::chrono::seconds(d.batch_size * per_message + 60);

  ASSIGN_OR_RETURN(out->channel_, HttpGatewayChannel::Create(o.gateway));

  if (!o.secret_key_hex.empty()) {
    Result<accounts::OutboxSealKey> key = accounts::OutboxSealKey::FromHex(o.secret_key_hex);
    if (!key.ok()) return key.status().WithContext("VAXREG_NOTIFY_SECRET_KEY");
    out->key_ = std::make_shared<const accounts::OutboxSealKey>(std::move(key).value());
  } else if (!o.secret_key_file.empty()) {
    Result<accounts::OutboxSealKey> key = accounts::OutboxSealKey::LoadFile(o.secret_key_file);
    if (!key.ok()) {
      return InvalidArgumentError(key.status().message(), "notify.secret_key_file");
    }
    out->key_ = std::make_shared<const accounts::OutboxSealKey>(std::move(key).value());
  } else {
    return InvalidArgumentError(
        "notify.gateway_url needs a notification secret key, to keep one-time codes sealed "
        "while they wait: set VAXREG_NOTIFY_SECRET_KEY or notify.secret_key_file (64 hex "
        "characters, e.g. from `openssl rand -hex 32`; the same key on every server)",
        "notify.secret_key_file");
  }
  out->notifier_ = std::make_unique<accounts::OutboxNotifier>(
      clock, o.demo, accounts::OutboxDelivery{out->key_, o.default_secret_lifetime});
  out->options_ = std::move(o);
  return out;
}

OutboundNotifications::~OutboundNotifications() { StopDelivery(); }

void OutboundNotifications::StartDelivery(storage::Database& db, storage::GroupCommitWriter& writer,
                                          MetricsRegistry& metrics) {
  if (!channel_ || worker_) return;
  worker_ = std::make_unique<DeliveryWorker>(db, writer, *channel_, key_, clock_, metrics,
                                             options_.delivery);
  worker_->Start();
  spdlog::info("notification delivery to the gateway started (secret key id {})",
               key_->key_id_hex());
}

void OutboundNotifications::StopDelivery() {
  if (worker_) worker_->Stop();
}

}  // namespace vaxreg::notify
