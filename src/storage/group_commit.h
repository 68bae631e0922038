#pragma once
// GroupCommitWriter: every write in vaxreg goes through one of these. Concurrent requests'
// writes are batched into one transaction and therefore one fsync; each request is acknowledged
// only after the transaction holding its write is durable.
//
// A submitted WriteFn that returns a non-OK Status (a constraint violation, a failed business
// check) has all its effects undone while the other writes in the batch still commit: the first
// write of a transaction runs bare (on failure the transaction is rolled back and the rest of the
// batch goes into a new one), every later one inside its own SAVEPOINT. If a COMMIT fails, every
// write of that transaction gets the error (nothing of it was made durable).
//
// Threading: one dedicated writer thread owns the writer connection. Submit() is thread-safe and
// never blocks on I/O. Callbacks run on the writer thread, so they must be short (post to an
// executor). WriteFns also run on the writer thread and must only touch the Connection they get.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::storage {

using WriteFn = std::function<Status(Connection&)>;
using WriteDone = std::function<void(Status)>;

struct GroupCommitOptions {
  // Upper bound on writes per transaction, keeps latency bounded under overload.
  size_t max_batch = 2048;
  // Submissions beyond this many queued writes fail fast with kUnavailable (back-pressure).
  size_t max_queue = 100000;
};

struct GroupCommitStats {
  uint64_t batches = 0;
  uint64_t writes = 0;
  uint64_t failed_writes = 0;
};

class GroupCommitWriter final {
 public:
  // Opens the writer connection from `db`; kUnavailable if it cannot.
  static Result<std::unique_ptr<GroupCommitWriter>> Start(Database& db,
                                                          GroupCommitOptions options = {});
  ~GroupCommitWriter();  // Stop()s

  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues `fn`; `done` is called exactly once with fn's Status once its batch is durable, or with
  // the commit error, or kUnavailable if the writer is stopped or the queue is full. `fn` may run
  // more than once: when it loses to a concurrent transaction (kAborted) its effects are rolled
  // back and it runs again, so it must not act outside the connection before it returns.
  void Submit(WriteFn fn, WriteDone done);
  // Blocking convenience for CLIs and tests.
  Status SubmitAndWait(WriteFn fn);

  // Finishes every queued write, then stops the thread. Later Submit()s fail with kUnavailable.
  void Stop();

  GroupCommitStats stats() const;
  // Called on the writer thread after each commit with the batch size (for metrics).
  void SetBatchObserver(std::function<void(size_t batch_size)> observer);

 private:
  GroupCommitWriter(std::unique_ptr<Connection> conn, GroupCommitOptions options);
  void Run();
  // Runs the batch (RunTransactions), runs again the writes that lost to a concurrent
  // transaction (kAborted), then reports every result (FinishBatch).
  void CommitBatch(std::deque<std::pair<WriteFn, WriteDone>>& batch);
  // Runs the writes in as few transactions as possible, each write in a savepoint; sets
  // results[i] for every write.
  void RunTransactions(std::deque<std::pair<WriteFn, WriteDone>>& batch,
                       std::vector<Status>& results);
  void FinishBatch(std::deque<std::pair<WriteFn, WriteDone>>& batch, std::vector<Status>& results);

  // How often a write that lost to a concurrent transaction is run again.
  static constexpr int kAbortedRetries = 5;

  std::unique_ptr<Connection> conn_;
  GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<WriteFn, WriteDone>> queue_;
  bool stopping_ = false;
  GroupCommitStats stats_;
  std::function<void(size_t)> batch_observer_;
  std::thread thread_;
};

}  // namespace vaxreg::storage
