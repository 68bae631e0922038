#pragma once
// The background work of correction requests: the deadline sweep (escalation) every interval and
// the handlers' daily digest. However many servers share the database, one runs each pass: the
// pass is taken under the lease "correction_deadlines" (storage/lease.h), which a crashed holder
// gives up when it expires; the digest is also recorded per day in correction_digests, so it is
// sent once even across lease holders. Deadlines live in the rows, so a restart loses nothing:
// the next pass escalates whatever came due meanwhile.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "accounts/notifier.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct CorrectionJobOptions {
  std::chrono::seconds deadline{std::chrono::hours(48)};
  std::chrono::seconds interval{60};
  int digest_hour = 7;  // Viet Nam time; the digest goes out at the first pass from then on
};

class CorrectionJobs final {
 public:
  CorrectionJobs(storage::Database& db, storage::GroupCommitWriter& writer, const Clock& clock,
                 accounts::Notifier& notifier, MetricsRegistry& metrics,
                 CorrectionJobOptions options);
  ~CorrectionJobs();  // Stop()
  // Waits for a pass in progress. Idempotent.
  void Stop();

  // One pass now, on the calling thread, if this process gets the lease: sweep, digest when
  // due, gauges. Returns the requests escalated (0 without the lease).
  Result<int64_t> RunOnce();

 private:
  void Loop();

  storage::Database& db_;
  storage::GroupCommitWriter& writer_;
  const Clock& clock_;
  accounts::Notifier& notifier_;
  MetricsRegistry& metrics_;
  CorrectionJobOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vaxreg::app
