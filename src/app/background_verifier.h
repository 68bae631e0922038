#pragma once
// Identity verification of person records created by the server (POST /api/v1/people, check-in
// from the chip card, CSV upload), off the request path: handlers queue the new person ids and
// answer at once; one thread takes what is queued in batches and verifies it against the
// population register with an identity::IncrementalVerifier, writing through the group-commit
// writer. The register index is loaded on the first batch (not at start-up) and kept in memory;
// a population snapshot imported later (by any process) is noticed before the next batch and
// loaded again. A person created while there is no register stays 'unverified' (the next
// `vaxreg identity verify --all` verifies it).
//
// Ids beyond max_queue are dropped (logged) rather than holding memory without bound. At Stop()
// the ids still queued are verified if the register is in memory, dropped (logged) if it is not
// (loading it could take minutes). Dropped records stay 'unverified' until a bulk run.
// Thread-safe: Enqueue() from any thread; Stop() from the owner. The database, writer and clock
// must outlive the object, and the writer must still run until Stop() returns.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "identity/incremental.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct BackgroundVerifierOptions {
  identity::MatchOptions match;  // threads 1: the server's cores belong to requests
  size_t max_batch = 5000;       // ids verified together
  size_t max_queue = 1000000;    // ids waiting; more are dropped
};

class BackgroundVerifier final {
 public:
  BackgroundVerifier(storage::Database& db, storage::GroupCommitWriter& writer, const Clock& clock,
                     BackgroundVerifierOptions options);
  ~BackgroundVerifier();  // Stop()

  // Queues person ids for verification; never waits for it. Ignored after Stop().
  void Enqueue(std::span<const int64_t> person_ids);

  // Finishes the batch in progress and the queue as described above, then joins the thread.
  // Idempotent.
  void Stop();

 private:
  void Run();

  BackgroundVerifierOptions options_;
  identity::IncrementalVerifier verifier_;  // used by the thread only
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int64_t> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vaxreg::app
