#include "support/test_db.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/crypto_util.h"

namespace vaxreg::testing {

std::string BackendName(Backend b) { return b == Backend::kSqlite ? "sqlite" : "postgres"; }

bool PostgresRequired() {
  const char* v = std::getenv("VAXREG_REQUIRE_PG");
  return v != nullptr && std::string(v) == "1";
}

namespace {
// Replaces the database name in a postgresql:// URL.
std::string WithDatabase(const std::string& dsn, const std::string& name) {
  auto scheme = dsn.find("://");
  auto slash = dsn.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto query = dsn.find('?');
  std::string base = slash == std::string::npos ? dsn.substr(0, query) : dsn.substr(0, slash);
  std::string tail = query == std::string::npos ? "" : dsn.substr(query);
  return base + "/" + name + tail;
}
}  // namespace

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
  InitCrypto();
  const std::string suffix = HexEncode(RandomBytes(6));
  if (backend == Backend::kSqlite) {
    path_ = (std::filesystem::temp_directory_path() /
             ("vaxreg_test_" + std::to_string(getpid()) + "_" + suffix + ".db"))
                .string();
    url_ = "sqlite:" + path_;
    return;
  }
  const char* dsn = std::getenv("VAXREG_PG_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    skip_reason_ = "VAXREG_PG_DSN is not set; PostgreSQL tests need a server";
    return;
  }
  admin_dsn_ = dsn;
  name_ = "vaxreg_t_" + suffix;
  auto admin = storage::OpenDatabase(admin_dsn_, {.pool_size = 1, .busy_timeout_ms = 5000});
  if (!admin.ok()) {
    skip_reason_ = "cannot reach PostgreSQL at VAXREG_PG_DSN: " + admin.status().ToString();
    return;
  }
  auto conn = (*admin)->Acquire();
  Status st = conn.ok() ? (*conn)->ExecuteScript("CREATE DATABASE " + name_) : conn.status();
  if (!st.ok()) {
    skip_reason_ = "cannot create a test database: " + st.ToString();
    return;
  }
  url_ = WithDatabase(admin_dsn_, name_);
}

TestDatabase::~TestDatabase() {
  if (backend_ == Backend::kSqlite) {
    std::error_code ec;
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + ext, ec);
    return;
  }
  if (name_.empty() || !skip_reason_.empty()) return;
  auto admin = storage::OpenDatabase(admin_dsn_, {.pool_size = 1, .busy_timeout_ms = 5000});
  if (!admin.ok()) return;
  auto conn = (*admin)->Acquire();
  if (conn.ok()) (*conn)->ExecuteScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").IgnoreError();
}

std::unique_ptr<storage::Database> TestDatabase::Open(storage::DatabaseOptions options) const {
  auto db = storage::OpenDatabase(url_, options);
  if (!db.ok()) {
    std::fprintf(stderr, "FATAL: cannot open test database %s: %s\n", url_.c_str(),
                 db.status().ToString().c_str());
    std::abort();
  }
  return std::move(db).value();
}

}  // namespace vaxreg::testing
