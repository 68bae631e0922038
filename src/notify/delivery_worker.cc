#include "notify/delivery_worker.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/crypto_util.h"
#include "common/logging.h"

namespace vaxreg::notify {
namespace {

constexpr std::string_view kSent = "vaxreg_notify_sent_total";
constexpr std::string_view kRetries = "vaxreg_notify_retries_total";
constexpr std::string_view kDead = "vaxreg_notify_dead_total";
constexpr std::string_view kDepth = "vaxreg_notify_queue_depth";
constexpr std::string_view kDeadReasons[] = {"refused", "attempts", "expired", "unreadable"};

// Time kept in hand, beyond send_timeout, before a claim expires: covers the outcome's commit
// and modest clock differences between the processes sharing the database.
constexpr int64_t kClaimMarginSeconds = 5;

int64_t CeilSeconds(std::chrono::milliseconds ms) {
  return static_cast<int64_t>((ms.count() + 999) / 1000);
}

double RandomUnit() {
  const std::string bytes = RandomBytes(4);
  uint32_t r = 0;
  std::memcpy(&r, bytes.data(), sizeof r);
  return static_cast<double>(r) / 4294967296.0;
}

}  // namespace

std::chrono::seconds BackoffDelay(int failed_attempts, const DeliveryOptions& o, double unit) {
  const double initial = static_cast<double>(std::max<int64_t>(1, o.backoff_initial.count()));
  const double cap = static_cast<double>(std::max<int64_t>(1, o.backoff_max.count()));
  const int doublings = std::clamp(failed_attempts - 1, 0, 62);
  const double full = std::min(cap, initial * std::ldexp(1.0, doublings));
  const double jittered = full * (1.0 - std::clamp(unit, 0.0, 1.0) / 2.0);
  return std::chrono::seconds(std::max<int64_t>(1, std::llround(jittered)));
}

DeliveryWorker::DeliveryWorker(storage::Database& db, storage::GroupCommitWriter& writer,
                               DeliveryChannel& channel,
                               std::shared_ptr<const accounts::OutboxSealKey> key,
                               const Clock& clock, MetricsRegistry& metrics,
                               DeliveryOptions options)
    : db_(db),
      writer_(writer),
      channel_(channel),
      key_(std::move(key)),
      clock_(clock),
      metrics_(metrics),
      options_(options) {
  CHECK(options_.max_attempts >= 1 && options_.batch_size >= 1);
  CHECK(options_.claim_timeout.count() >=
        options_.batch_size * (CeilSeconds(options_.send_timeout) + kClaimMarginSeconds));
  metrics_.RegisterCounter(std::string(kSent), "outbound messages the gateway accepted");
  metrics_.RegisterCounter(std::string(kRetries),
                           "outbound delivery attempts that failed and will be tried again");
  metrics_.RegisterCounter(std::string(kDead),
                           "outbound messages given up (dead letters), by reason: refused by "
                           "the gateway, out of attempts, secret expired, unreadable");
  metrics_.RegisterGauge(std::string(kDepth),
                         "outbound messages waiting for delivery or being delivered (pending)");
  // Every series from the start, so dashboards see zeros rather than gaps.
  metrics_.IncrementCounter(kSent, {}, 0);
  metrics_.IncrementCounter(kRetries, {}, 0);
  for (std::string_view reason : kDeadReasons) {
    metrics_.IncrementCounter(kDead, {{"reason", std::string(reason)}}, 0);
  }
}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Start() {
  CHECK(!thread_.joinable());
  thread_ = std::thread([this] { Loop(); });
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::Loop() {
  while (!stopping_) {
    Result<DeliveryRound> round = RunOnce();
    if (!round.ok()) {
      spdlog::warn("notification delivery: {}", round.status().ToString());
    }
    const bool more = round.ok() && round->claimed >= options_.batch_size && round->released == 0;
    if (more) continue;
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_.load(); });
  }
}

Result<bool> DeliveryWorker::Write(const std::function<Result<bool>(storage::Connection&)>& fn) {
  Result<bool> held = false;
  RETURN_IF_ERROR(writer_.SubmitAndWait([&](storage::Connection& c) {
    held = fn(c);
    return held.status();
  }));
  return held;
}

void DeliveryWorker::RefreshDepth() {
  const auto now = clock_.SteadyNow();
  if (now < next_depth_refresh_) return;
  next_depth_refresh_ = now + options_.depth_interval;
  auto conn = db_.Acquire();
  if (!conn.ok()) return;
  Result<int64_t> depth = CountPending(**conn);
  if (depth.ok()) metrics_.SetGauge(kDepth, {}, static_cast<double>(*depth));
}

Result<DeliveryRound> DeliveryWorker::RunOnce() {
  DeliveryRound round;
  const int64_t now = ToUnixSeconds(clock_.Now());
  bool due = false;
  bool expired = false;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(due, AnyMessageDue(*conn, now));
    ASSIGN_OR_RETURN(expired, AnySecretExpired(*conn, now));
  }
  if (expired) {
    Result<int64_t> died = int64_t{0};
    RETURN_IF_ERROR(writer_.SubmitAndWait([&](storage::Connection& c) {
      died = ExpireSecrets(c, now);
      return died.status();
    }));
    round.expired = static_cast<int>(*died);
    if (*died > 0) {
      metrics_.IncrementCounter(kDead, {{"reason", "expired"}}, static_cast<double>(*died));
      spdlog::info("notification delivery: {} message(s) dead, their one-time secret expired",
                   *died);
    }
  }
  if (!due || stopping_) {
    RefreshDepth();
    return round;
  }

  const std::string token = HexEncode(RandomBytes(16));
  const int64_t claim_seconds = options_.claim_timeout.count();
  Result<std::vector<ClaimedMessage>> claimed = std::vector<ClaimedMessage>{};
  RETURN_IF_ERROR(writer_.SubmitAndWait([&](storage::Connection& c) {
    claimed = ClaimDueMessages(c, token, now, claim_seconds, options_.batch_size);
    return claimed.status();
  }));
  const int64_t claim_end = now + claim_seconds;
  round.claimed = static_cast<int>(claimed->size());
  for (const ClaimedMessage& m : *claimed) {
    ASSIGN_OR_RETURN(Outcome outcome, DeliverOne(token, m, claim_end));
    switch (outcome) {
      case Outcome::kSent:
        ++round.sent;
        break;
      case Outcome::kRetried:
        ++round.retried;
        break;
      case Outcome::kDead:
        ++round.dead;
        break;
      case Outcome::kReleased:
        ++round.released;
        break;
    }
  }
  RefreshDepth();
  return round;
}

Result<DeliveryWorker::Outcome> DeliveryWorker::DeliverOne(const std::string& token,
                                                           const ClaimedMessage& m,
                                                           int64_t claim_end) {
  const int64_t now = ToUnixSeconds(clock_.Now());
  if (stopping_ || now + CeilSeconds(options_.send_timeout) + kClaimMarginSeconds > claim_end) {
    ASSIGN_OR_RETURN(bool held, Write([&](storage::Connection& c) {
                       return ReleaseClaim(c, m.id, token, now);
                     }));
    (void)held;  // a claim already lost needs no giving back
    return Outcome::kReleased;
  }
  if (m.secret_expires_at > 0 && m.secret_expires_at <= now) {
    return Dead(token, m, "expired", "its one-time secret expired before it was delivered");
  }
  if (m.attempts > options_.max_attempts) {
    // The last allowed attempt was claimed and never finished.
    return Dead(token, m, "attempts",
                "no attempt left: the last one did not finish (its process stopped or lost the "
                "database)");
  }
  OutgoingMessage out{m.id, m.channel, m.recipient, m.subject, m.body};
  if (m.sealed_body) {
    if (!key_) {
      return Dead(token, m, "unreadable",
                  "its text is sealed and this server holds no notification secret key");
    }
    Result<std::string> opened = key_->Open(*m.sealed_body, m.channel, m.recipient);
    if (!opened.ok()) return Dead(token, m, "unreadable", opened.status().message());
    out.body = std::move(opened).value();
  }
  const Status result = channel_.Deliver(out);
  sodium_memzero(out.body.data(), out.body.size());
  return Finish(token, m, result);
}

Result<DeliveryWorker::Outcome> DeliveryWorker::Finish(const std::string& token,
                                                       const ClaimedMessage& m,
                                                       const Status& result) {
  const int64_t now = ToUnixSeconds(clock_.Now());
  if (result.ok()) {
    ASSIGN_OR_RETURN(bool held,
                     Write([&](storage::Connection& c) { return MarkSent(c, m.id, token, now); }));
    metrics_.IncrementCounter(kSent, {});
    if (!held) {
      spdlog::warn(
          "notification delivery: outbox message {} was sent after its claim lapsed; "
          "another server may send it again",
          m.id);
    }
    spdlog::debug("notification delivery: outbox message {} sent (attempt {})", m.id, m.attempts);
    return Outcome::kSent;
  }
  const std::string error = "attempt " + std::to_string(m.attempts) + ": " + result.ToString();
  if (!IsRetryable(result)) return Dead(token, m, "refused", error);
  if (m.attempts >= options_.max_attempts) return Dead(token, m, "attempts", error);
  const int64_t next =
      now + BackoffDelay(static_cast<int>(m.attempts), options_, RandomUnit()).count();
  ASSIGN_OR_RETURN(bool held, Write([&](storage::Connection& c) {
                     return MarkRetry(c, m.id, token, next, error);
                   }));
  (void)held;
  metrics_.IncrementCounter(kRetries, {});
  spdlog::info("notification delivery: outbox message {} failed ({}), next attempt in {} s", m.id,
               error, next - now);
  return Outcome::kRetried;
}

Result<DeliveryWorker::Outcome> DeliveryWorker::Dead(const std::string& token,
                                                     const ClaimedMessage& m,
                                                     std::string_view reason,
                                                     std::string_view error) {
  ASSIGN_OR_RETURN(bool held,
                   Write([&](storage::Connection& c) { return MarkDead(c, m.id, token, error); }));
  (void)held;
  metrics_.IncrementCounter(kDead, {{"reason", std::string(reason)}});
  spdlog::warn("notification delivery: outbox message {} is dead ({}): {}", m.id, reason, error);
  return Outcome::kDead;
}

}  // namespace vaxreg::notify
