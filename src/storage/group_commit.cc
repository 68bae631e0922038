// The writer loop. Batching needs no timer: while one batch's COMMIT waits for its fsync, new
// submissions pile up in the queue, and the next loop iteration takes all of them at once. Under
// light load a write commits alone with no added latency; under heavy load batches grow until one
// fsync covers hundreds of writes.

#include "storage/group_commit.h"

#include <exception>
#include <future>
#include <random>
#include <thread>
#include <utility>
#include <vector>

namespace vaxreg::storage {
namespace {

// Every write gets the same savepoint name: they run one after another, never nested.
constexpr std::string_view kSavepoint = "vaxreg_write";

Status RunWrite(const WriteFn& fn, Connection& conn) {
  // Exceptions from database wrappers or the standard library stop at this module's edge.
  try {
    return fn(conn);
  } catch (const std::exception& e) {
    return InternalError(std::string("write threw an exception: ") + e.what());
  } catch (...) {
    return InternalError("write threw a non-standard exception");
  }
}

}  // namespace

Result<std::unique_ptr<GroupCommitWriter>> GroupCommitWriter::Start(Database& db,
                                                                    GroupCommitOptions options) {
  auto conn = db.OpenWriterConnection();
  if (!conn.ok()) {
    return UnavailableError("cannot open the writer connection: " + conn.status().message());
  }
  if (options.max_batch == 0) options.max_batch = 1;
  std::unique_ptr<GroupCommitWriter> writer(
      new GroupCommitWriter(std::move(conn).value(), options));
  writer->thread_ = std::thread([w = writer.get()] { w->Run(); });
  return writer;
}

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> conn, GroupCommitOptions options)
    : conn_(std::move(conn)), options_(options) {}

GroupCommitWriter::~GroupCommitWriter() { Stop(); }

void GroupCommitWriter::Submit(WriteFn fn, WriteDone done) {
  Status rejected;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      rejected = UnavailableError("the database writer is stopped");
    } else if (queue_.size() >= options_.max_queue) {
      rejected = UnavailableError("the database writer is overloaded (write queue full)");
    } else {
      queue_.emplace_back(std::move(fn), std::move(done));
    }
  }
  if (!rejected.ok()) {
    if (done) done(std::move(rejected));
    return;
  }
  cv_.notify_one();
}

Status GroupCommitWriter::SubmitAndWait(WriteFn fn) {
  std::thread::id writer_id;
  {
    std::lock_guard lock(mu_);
    writer_id = thread_.get_id();
  }
  // From a WriteFn this would wait for itself forever.
  CHECK(std::this_thread::get_id() != writer_id);
  std::promise<Status> promise;
  std::future<Status> result = promise.get_future();
  Submit(std::move(fn), [&promise](Status st) { promise.set_value(std::move(st)); });
  return result.get();
}

void GroupCommitWriter::Stop() {
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    // Only the first caller joins; the writer drains the queue before it exits.
    thread = std::move(thread_);
  }
  cv_.notify_all();
  if (thread.joinable()) thread.join();
}

GroupCommitStats GroupCommitWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitWriter::SetBatchObserver(std::function<void(size_t batch_size)> observer) {
  std::lock_guard lock(mu_);
  batch_observer_ = std::move(observer);
}

void GroupCommitWriter::Run() {
  std::deque<std::pair<WriteFn, WriteDone>> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything queued has been written
      if (queue_.size() <= options_.max_batch) {
        batch.swap(queue_);
      } else {
        auto end = queue_.begin() + static_cast<std::ptrdiff_t>(options_.max_batch);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
      }
    }
    CommitBatch(batch);
    batch.clear();
  }
}

void GroupCommitWriter::CommitBatch(std::deque<std::pair<WriteFn, WriteDone>>& batch) {
  std::vector<Status> results(batch.size());
  RunTransactions(batch, results);
  // A write that lost to another process's transaction (PostgreSQL deadlock or serialisation
  // failure) left nothing behind: its savepoint or transaction was rolled back. Run such writes
  // again, in transactions of their own, a few times before giving up. Their locks were taken
  // in an order that collided; alone, and after the winner committed, they go through.
  for (int attempt = 0; attempt < kAbortedRetries; ++attempt) {
    std::deque<std::pair<WriteFn, WriteDone>> again;
    std::vector<size_t> index;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (results[i].code() != StatusCode::kAborted) continue;
      again.emplace_back(batch[i].first, nullptr);
      index.push_back(i);
    }
    if (again.empty()) break;
    // A short random pause lets the winning transaction commit first.
    thread_local std::minstd_rand rng(std::random_device{}());
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + rng() % (8 * (attempt + 1))));
    std::vector<Status> retried(again.size());
    for (size_t k = 0; k < again.size(); ++k) {
      std::deque<std::pair<WriteFn, WriteDone>> one;
      one.push_back(std::move(again[k]));
      std::vector<Status> r(1);
      RunTransactions(one, r);
      results[index[k]] = std::move(r[0]);
    }
  }
  FinishBatch(batch, results);
}

void GroupCommitWriter::RunTransactions(std::deque<std::pair<WriteFn, WriteDone>>& batch,
                                        std::vector<Status>& results) {
  size_t next = 0;
  while (next < batch.size()) {
    const size_t first = next;
    Status txn = conn_->Begin();
    if (!txn.ok()) {
      for (size_t i = first; i < batch.size(); ++i) results[i] = txn;
      break;
    }
    // The first write of a transaction needs no savepoint: if it fails, rolling back the
    // transaction undoes exactly it, and the rest of the batch starts a new one. Savepoints make
    // SQLite journal the original of every page a write changes, which for a bulk load (one large
    // write per transaction) costs more than the write itself.
    results[first] = RunWrite(batch[first].first, *conn_);
    ++next;
    if (!results[first].ok()) {
      conn_->Rollback().IgnoreError();
      continue;
    }
    for (; next < batch.size(); ++next) {
      // The savepoint confines a failing write: its effects are undone, and on PostgreSQL the
      // transaction leaves the aborted state, so the rest of the batch still commits.
      Status st = conn_->Savepoint(kSavepoint);
      if (st.ok()) {
        st = RunWrite(batch[next].first, *conn_);
        if (st.ok()) {
          st = conn_->ReleaseSavepoint(kSavepoint);
        } else {
          conn_->RollbackToSavepoint(kSavepoint).IgnoreError();
          conn_->ReleaseSavepoint(kSavepoint).IgnoreError();
        }
      }
      results[next] = std::move(st);
    }
    txn = conn_->Commit();
    if (!txn.ok()) {
      // A failed COMMIT may leave the transaction open (SQLite busy, deferred constraint).
      // Nothing of this transaction is durable: every write in it reports why.
      conn_->Rollback().IgnoreError();
      for (size_t i = first; i < next; ++i) results[i] = txn;
    }
  }
}

void GroupCommitWriter::FinishBatch(std::deque<std::pair<WriteFn, WriteDone>>& batch,
                                    std::vector<Status>& results) {
  uint64_t failed = 0;
  for (const Status& st : results) {
    if (!st.ok()) ++failed;
  }
  std::function<void(size_t)> observer;
  {
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.writes += batch.size();
    stats_.failed_writes += failed;
    observer = batch_observer_;
  }
  if (observer) observer(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].second) batch[i].second(std::move(results[i]));
  }
}

}  // namespace vaxreg::storage
