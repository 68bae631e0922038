// The read behind a check-in, without HTTP: a person and their doses found by CCCD
// (registry::LoadPersonRecordByCccd through a pooled reader connection, rows turned into the
// person record with status and next dose) against its raw limit in the same run: the same
// joined SELECT through the SQLite C API on one connection, every column of every row touched
// (text read in place, nothing copied or built). One thread each, on a seeded database
// (`vaxreg demo seed --people N`), CCCDs of random seeded people in turn. Prints the per-call
// times and their ratio.
//
// Usage: bench_checkin_read --db sqlite:PATH [--seconds S]

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "registry/dose.h"
#include "registry/person_record.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"
#include "storage/database.h"

using namespace vaxreg;
using Steady = std::chrono::steady_clock;

namespace {

// Calls `one(i)` for i = 0, 1, ... for `seconds`; returns the calls per second.
template <typename Fn>
double Rate(double seconds, Fn&& one) {
  const auto start = Steady::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  size_t calls = 0;
  while (Steady::now() < until) {
    for (int k = 0; k < 256; ++k) one(calls++);
  }
  return static_cast<double>(calls) / std::chrono::duration<double>(Steady::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  double seconds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--db") url = argv[i + 1];
    if (a == "--seconds") seconds = std::stod(argv[i + 1]);
  }
  if (url.rfind("sqlite:", 0) != 0) {
    std::fprintf(stderr, "usage: %s --db sqlite:PATH [--seconds S]\n", argv[0]);
    return 2;
  }
  auto db = storage::OpenDatabase(url);
  if (!db.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", url.c_str(), db.status().ToString().c_str());
    return 1;
  }
  auto conn = (*db)->Acquire();
  auto keys = (*conn)->Query(
      "SELECT cccd FROM people WHERE cccd IS NOT NULL ORDER BY random() LIMIT 100000", {});
  auto catalogue = registry::LoadVaccineProducts(**conn);
  if (!conn.ok() || !keys.ok() || keys->empty() || !catalogue.ok()) {
    std::fprintf(stderr, "no seeded people in %s (run `vaxreg demo seed` first)\n", url.c_str());
    return 1;
  }
  std::vector<std::string> cccds;
  for (const storage::Row& r : *keys) cccds.push_back(r.Text(0));

  // Raw: the joined SELECT on the C API.
  sqlite3* raw = nullptr;
  const std::string path = url.substr(7);
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  // Mapped like the product's readers (database.sqlite_mmap_mib, 2048).
  sqlite3_exec(raw, "PRAGMA mmap_size=2147483648", nullptr, nullptr, nullptr);
  const std::string sql = "SELECT " + registry::PersonColumns("p") + ", " +
                          registry::DoseColumns("d") +
                          " FROM people p LEFT JOIN doses d ON d.person_id = p.id WHERE p.cccd = ?";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(raw, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "cannot prepare: %s\n", sqlite3_errmsg(raw));
    return 1;
  }
  // One read transaction for the whole raw run: the product's readers keep their snapshot too.
  sqlite3_exec(raw, "BEGIN", nullptr, nullptr, nullptr);
  size_t rows = 0, bytes = 0;
  const int columns = sqlite3_column_count(stmt);
  const auto raw_call = [&](size_t i) {
    const std::string& cccd = cccds[i % cccds.size()];
    sqlite3_bind_text(stmt, 1, cccd.data(), static_cast<int>(cccd.size()), SQLITE_STATIC);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      ++rows;
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_TEXT) {
          bytes += static_cast<size_t>(sqlite3_column_bytes(stmt, c));
        } else {
          bytes += static_cast<size_t>(sqlite3_column_int64(stmt, c) & 1);
        }
      }
    }
    sqlite3_reset(stmt);
  };
  Rate(0.5, raw_call);  // warm-up: fault the mapped pages in
  const double raw_rate = Rate(seconds, raw_call);
  sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(stmt);
  sqlite3_close(raw);

  size_t found = 0;
  const auto product_call = [&](size_t i) {
    auto record = registry::LoadPersonRecordByCccd(**conn, cccds[i % cccds.size()], *catalogue);
    if (record.ok() && *record) found += (*record)->doses.size() + 1;
  };
  Rate(0.5, product_call);
  const double product_rate = Rate(seconds, product_call);
  std::printf(
      "raw_reads_per_s=%.0f raw_us=%.2f product_reads_per_s=%.0f product_us=%.2f "
      "ratio=%.2f (rows %zu, bytes %zu, found %zu)\n",
      raw_rate, 1e6 / raw_rate, product_rate, 1e6 / product_rate, product_rate / raw_rate, rows,
      bytes, found);
  return found > 0 ? 0 : 1;
}
