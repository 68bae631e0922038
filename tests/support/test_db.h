#pragma once
// Fresh, real databases for tests: a temp-file SQLite database, or a new database on the
// PostgreSQL server named by VAXREG_PG_DSN (created per test, dropped afterwards).
// PostgreSQL tests skip when VAXREG_PG_DSN is unset, and fail instead when VAXREG_REQUIRE_PG=1
// (CI), so a pg-labelled test can never pass by not running.

#include <memory>
#include <string>

#include "storage/database.h"

namespace vaxreg::testing {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(Backend b);

class TestDatabase {
 public:
  // Creates the empty database. Check ok() / skip_reason() before use.
  explicit TestDatabase(Backend backend);
  ~TestDatabase();

  // "sqlite:/tmp/..." or "postgresql://.../vaxreg_t_..."
  const std::string& url() const { return url_; }
  // Non-empty when the backend is not available here (the test should GTEST_SKIP).
  const std::string& skip_reason() const { return skip_reason_; }
  // Opens (another) handle on the database.
  std::unique_ptr<storage::Database> Open(storage::DatabaseOptions options = {}) const;

 private:
  Backend backend_;
  std::string url_;
  std::string admin_dsn_;
  std::string name_;
  std::string path_;
  std::string skip_reason_;
};

// Use at the top of a test body: skips or fails as described above.
#define VAXREG_REQUIRE_BACKEND(test_db)                                       \
  do {                                                                         \
    if (!(test_db).skip_reason().empty()) {                                    \
      if (::vaxreg::testing::PostgresRequired()) FAIL() << (test_db).skip_reason(); \
      GTEST_SKIP() << (test_db).skip_reason();                                 \
    }                                                                          \
  } while (0)

bool PostgresRequired();

}  // namespace vaxreg::testing
