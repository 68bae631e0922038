#pragma once
// DeliveryWorker: hands pending outbox messages to a DeliveryChannel until each is sent or dead.
// One per server process (started by app/runtime.cc when notify.gateway_url is set); any
// number of processes may run one on the same database (outbox_queue.h: claims).
//
// A round: wipe the sealed text of secrets that expired (their pending messages die); if a
// message is due (a cheap read), claim up to batch_size of them in one write, then deliver them
// one at a time, each outcome committed before the next message is started:
//   accepted                           -> 'sent'
//   refused for good (not IsRetryable) -> 'dead' at once (a gateway's 4xx but 408/429)
//   failed, retryable                  -> due again after BackoffDelay, or 'dead' once
//                                         max_attempts attempts have been made
// A message is started only while its claim has send_timeout plus a margin left, so it cannot
// still be in flight when another process may take it over. Delivery is therefore at least
// once, and exactly once unless a process dies (or loses the database) between the gateway's
// answer and the commit of the outcome; the gateway then sees the message again with the same
// id (DeliveryChannel: OutgoingMessage::id), on which it may drop the repeat.
//
// Secrets: a message's sealed text is opened only to hand it to the channel, and a message whose
// secret expired is not delivered. A text this process cannot open (sealed under another key,
// damaged) makes the message dead; a process without the key is a configuration error caught at
// start (notify/outbound.h).
//
// Metrics (common/metrics.h): vaxreg_notify_sent_total, vaxreg_notify_retries_total,
// vaxreg_notify_dead_total{reason="refused|attempts|expired|unreadable"} and the gauge
// vaxreg_notify_queue_depth (pending messages of the whole database, refreshed every
// depth_interval).
//
// Thread-safety: RunOnce() is for one thread at a time (the worker's own thread once Start()ed,
// or a test's). Stop() may be called from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "accounts/outbox_seal.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "notify/delivery_channel.h"
#include "notify/outbox_queue.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::notify {

struct DeliveryOptions {
  int max_attempts = 10;                          // notify.max_attempts
  std::chrono::seconds backoff_initial{10};       // notify.backoff_initial_seconds
  std::chrono::seconds backoff_max{3600};         // notify.backoff_max_seconds
  std::chrono::milliseconds poll_interval{1000};  // notify.poll_interval_ms
  int batch_size = 10;                            // messages claimed at once
  // The longest one DeliveryChannel::Deliver call takes (the channel's timeout).
  std::chrono::milliseconds send_timeout{10000};
  // How long a claim lasts: a claim this old is taken to be a dead process's and is due again.
  // Must exceed batch_size x send_timeout (checked by the constructor).
  std::chrono::seconds claim_timeout{300};
  // How often the queue depth gauge is refreshed (a COUNT over the pending index).
  std::chrono::seconds depth_interval{15};
};

// The wait before the attempt after `failed_attempts` failures (>= 1): d = min(backoff_max,
// backoff_initial x 2^(failed_attempts - 1)), less a random part: d x (1 - unit / 2), so between
// d / 2 and d. The jitter spreads the retries of many messages that failed together (a gateway
// outage) instead of sending them back all at once. `unit` is uniform in [0, 1).
std::chrono::seconds BackoffDelay(int failed_attempts, const DeliveryOptions& options, double unit);

struct DeliveryRound {
  int claimed = 0;
  int sent = 0;
  int retried = 0;
  int dead = 0;      // refused, out of attempts, unreadable or expired when claimed
  int expired = 0;   // pending messages whose secret expired before they were claimed
  int released = 0;  // claimed but not attempted (stopping, or too little of the claim left)
};

class DeliveryWorker final {
 public:
  // `key` may be null only if no message will carry a sealed text (such messages die as
  // unreadable). Registers its metrics in `metrics`.
  DeliveryWorker(storage::Database& db, storage::GroupCommitWriter& writer,
                 DeliveryChannel& channel, std::shared_ptr<const accounts::OutboxSealKey> key,
                 const Clock& clock, MetricsRegistry& metrics, DeliveryOptions options);
  ~DeliveryWorker();  // Stop()
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // One round on the calling thread. Errors are the database's (the round stops there; the
  // claimed messages it did not finish are due again when their claim expires).
  Result<DeliveryRound> RunOnce();

  // Runs rounds on a thread of its own: at once again after a full batch, otherwise after
  // poll_interval. Failures are logged and retried at the next round.
  void Start();
  // Finishes the message in flight (bounded by the channel's timeout), gives back the rest of the
  // batch, and joins the thread. Idempotent.
  void Stop();

 private:
  enum class Outcome { kSent, kRetried, kDead, kReleased };
  // `claim_end`: Unix seconds at which the claim on `m` expires.
  Result<Outcome> DeliverOne(const std::string& token, const ClaimedMessage& m, int64_t claim_end);
  Result<Outcome> Finish(const std::string& token, const ClaimedMessage& m, const Status& result);
  Result<Outcome> Dead(const std::string& token, const ClaimedMessage& m, std::string_view reason,
                       std::string_view error);
  // Runs `fn` through the writer; its Result<bool> says whether the claim still held.
  Result<bool> Write(const std::function<Result<bool>(storage::Connection&)>& fn);
  // At most every depth_interval: a COUNT over a long backlog is not free.
  void RefreshDepth();
  void Loop();

  storage::Database& db_;
  storage::GroupCommitWriter& writer_;
  DeliveryChannel& channel_;
  std::shared_ptr<const accounts::OutboxSealKey> key_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  const DeliveryOptions options_;
  std::chrono::steady_clock::time_point next_depth_refresh_{};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace vaxreg::notify
