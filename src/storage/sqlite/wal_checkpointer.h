#pragma once
// Checkpoints an SQLite WAL on a thread of its own instead of on the writer's.
//
// By default SQLite checkpoints inside the COMMIT that takes the WAL past 1,000 pages: the writer
// thread copies those pages into the database file and fsyncs it while every queued write waits.
// A WalCheckpointer is installed as the writer connection's WAL hook (which turns SQLite's
// automatic checkpoint off): a commit that leaves at least `threshold_pages` in the WAL wakes
// this thread, which runs a PASSIVE checkpoint on its own connection while the writer goes on
// (readers and the writer are never blocked by a passive checkpoint). Should checkpoints fall
// behind until the WAL holds `limit_pages`, the committing writer checkpoints itself, as SQLite
// would, so the WAL stays bounded. The hook also counts commits for SqliteConnection's read
// snapshot reuse.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

struct sqlite3;

namespace vaxreg::storage {

// SQLite's own automatic checkpoint threshold (wal_autocheckpoint), in WAL pages.
inline constexpr int kSqliteAutoCheckpointPages = 1000;

struct WalCheckpointerOptions {
  int threshold_pages = kSqliteAutoCheckpointPages;
  int limit_pages = 100000;    // ~400 MB at 4 KiB pages
  // Run on the checkpointer's thread before each checkpoint (ending idle readers' snapshots).
  std::function<void()> before_checkpoint;
};

class WalCheckpointer {
 public:
  // Opens the checkpointing connection to `filename` and starts the thread.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& filename,
                                                        WalCheckpointerOptions options = {});
  ~WalCheckpointer();  // stops and joins the thread

  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Installs this checkpointer as `writer`'s WAL hook; it must outlive `writer`'s use of it.
  // Each commit of `writer` also increments `commits` (when not null).
  void Attach(sqlite3* writer, std::atomic<uint64_t>* commits = nullptr);

  // Checkpoints run so far (for tests and metrics).
  int64_t checkpoints() const;

 private:
  WalCheckpointer(sqlite3* db, WalCheckpointerOptions options);
  static int Hook(void* self, sqlite3* writer, const char* schema, int wal_pages);
  void Run();

  sqlite3* db_;
  const WalCheckpointerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stopping_ = false;
  int64_t checkpoints_ = 0;
  std::atomic<uint64_t>* commits_ = nullptr;
  std::thread thread_;
};

}  // namespace vaxreg::storage
