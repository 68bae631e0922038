#include "storage/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include "common/logging.h"

namespace vaxreg::storage {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& filename,
                                                                WalCheckpointerOptions options) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  if (int rc = sqlite3_open_v2(filename.c_str(), &db, flags, nullptr); rc != SQLITE_OK) {
    Status st = UnavailableError("cannot open SQLite database " + filename + " to checkpoint: " +
                                 (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return st;
  }
  // The checkpoint syncs the database file, as the writer's FULL synchronous mode would.
  sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(db, options));
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

WalCheckpointer::WalCheckpointer(sqlite3* db, WalCheckpointerOptions options)
    : db_(db), options_(options) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(db_);
}

void WalCheckpointer::Attach(sqlite3* writer, std::atomic<uint64_t>* commits) {
  commits_ = commits;
  sqlite3_wal_hook(writer, &Hook, this);
}

int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mu_);
  return checkpoints_;
}

int WalCheckpointer::Hook(void* self, sqlite3* writer, const char* schema, int wal_pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  // After the commit and its lock: a reader that sees the new count sees the commit.
  if (c->commits_ != nullptr) c->commits_->fetch_add(1, std::memory_order_release);
  if (wal_pages >= c->options_.limit_pages) {
    // Called after the commit, outside its write lock: SQLite's own automatic checkpoint does
    // the same from here.
    sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (wal_pages >= c->options_.threshold_pages) {
    {
      std::lock_guard lock(c->mu_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    if (options_.before_checkpoint) options_.before_checkpoint();
    int log = 0, done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("WAL checkpoint failed: {}", sqlite3_errmsg(db_));
    }
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace vaxreg::storage
