#include "app/correction_jobs.h"

#include <spdlog/spdlog.h>

#include "corrections/deadlines.h"
#include "storage/lease.h"

namespace vaxreg::app {

CorrectionJobs::CorrectionJobs(storage::Database& db, storage::GroupCommitWriter& writer,
                               const Clock& clock, accounts::Notifier& notifier,
                               MetricsRegistry& metrics, CorrectionJobOptions options)
    : db_(db),
      writer_(writer),
      clock_(clock),
      notifier_(notifier),
      metrics_(metrics),
      options_(options) {
  metrics_.RegisterCounter("vaxreg_corrections_escalated_total",
                           "correction requests moved up a level when their deadline passed");
  metrics_.RegisterGauge("vaxreg_corrections_open", "correction requests not yet decided");
  metrics_.RegisterGauge("vaxreg_corrections_overdue",
                         "open correction requests past their deadline");
  metrics_.RegisterCounter("vaxreg_corrections_digest_messages_total",
                           "daily digest messages sent to handlers");
  thread_ = std::thread([this] { Loop(); });
}

CorrectionJobs::~CorrectionJobs() { Stop(); }

void CorrectionJobs::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<int64_t> CorrectionJobs::RunOnce() {
  const int64_t now = ToUnixSeconds(clock_.Now());
  const int64_t ttl = std::max<int64_t>(10, options_.interval.count() * 2);
  Result<bool> mine = false;
  RETURN_IF_ERROR(writer_.SubmitAndWait([&](storage::Connection& c) {
    mine = storage::TryAcquireLease(c, "correction_deadlines", storage::ThisProcessLeaseHolder(),
                                    now, ttl);
    return mine.status();
  }));
  if (!*mine) return int64_t{0};
  Result<corrections::SweepReport> swept = corrections::SweepReport{};
  RETURN_IF_ERROR(writer_.SubmitAndWait([&](storage::Connection& c) {
    swept = corrections::SweepDeadlines(c, clock_, options_.deadline);
    return swept.status();
  }));
  if (swept->escalated > 0) {
    metrics_.IncrementCounter("vaxreg_corrections_escalated_total", {},
                              static_cast<double>(swept->escalated));
    spdlog::info("corrections: {} requests escalated (to commune {}, district {}, province {})",
                 swept->escalated, swept->to_commune, swept->to_district, swept->to_province);
  }
  // Viet Nam time of day decides when the digest is due.
  const int64_t hour = ((now + 7 * 3600) % 86400) / 3600;
  if (hour >= options_.digest_hour) {
    Result<int64_t> sent = int64_t{0};
    RETURN_IF_ERROR(writer_.SubmitAndWait([&](storage::Connection& c) {
      sent = corrections::SendDailyDigest(c, clock_, notifier_);
      return sent.status();
    }));
    if (*sent > 0) {
      metrics_.IncrementCounter("vaxreg_corrections_digest_messages_total", {},
                                static_cast<double>(*sent));
    }
  }
  ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ASSIGN_OR_RETURN(storage::Rows counts,
                   conn->Query("SELECT COUNT(*), SUM(CASE WHEN status = 'open' AND due_at < $1 "
                               "THEN 1 ELSE 0 END) FROM correction_requests "
                               "WHERE status IN ('open', 'info_needed')",
                               {now}));
  metrics_.SetGauge("vaxreg_corrections_open", {}, static_cast<double>(counts.at(0).Int(0)));
  metrics_.SetGauge("vaxreg_corrections_overdue", {},
                    counts.at(0).IsNull(1) ? 0.0 : static_cast<double>(counts.at(0).Int(1)));
  return swept->escalated;
}

void CorrectionJobs::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    if (auto r = RunOnce(); !r.ok()) {
      spdlog::warn("correction deadlines pass failed: {}", r.status().ToString());
    }
    lock.lock();
    cv_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace vaxreg::app
