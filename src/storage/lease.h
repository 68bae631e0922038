#pragma once
// Leases for background jobs (certificate renewal, audit checkpoints, ...): however many vaxreg
// processes share a database, one of them runs a job at a time. A lease is a row (job name,
// holder, expiry) in job_leases; taking it is one conditional upsert, so it is decided by the
// database. A holder that crashes gives the job up when its lease expires.
//
// Use: each process calls TryAcquireLease before each run of the job, with a time to live that
// covers the run (for a periodic job: about its period). The holder that still holds the lease
// renews it; any other takes it only once it has expired.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::storage {

// A name for this process as a lease holder: host, process id and a random suffix (so a
// restarted process with a recycled pid is another holder).
const std::string& ThisProcessLeaseHolder();

// True when `holder` now holds the lease on `job` until now + ttl_seconds: it was free, expired,
// or already held by `holder`. False when another holder's lease is still running. Commits at
// once (run it on the writer or any connection outside a transaction that must stay open).
Result<bool> TryAcquireLease(Connection& conn, std::string_view job, std::string_view holder,
                             int64_t now, int64_t ttl_seconds);

// Gives the lease up early (a job that is stopping), if `holder` holds it.
Status ReleaseLease(Connection& conn, std::string_view job, std::string_view holder);

}  // namespace vaxreg::storage
