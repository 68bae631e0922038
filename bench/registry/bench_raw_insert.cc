// The raw limit for the CSV import benchmark: the same people-with-doses CSV inserted into the
// same schema (migrations applied, every index present, same pragmas: WAL, synchronous=FULL)
// through the SQLite C API directly, with one prepared single-row INSERT per table reused for
// every row, 10,000 rows per transaction, no validation, no audit, no counters. Parsing is done
// before the clock starts. Prints raw_rows_per_s (CSV rows, i.e. doses, per second).
//
// Usage: bench_raw_insert --csv FILE --db sqlite:PATH   (a fresh database)

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>

#include "registry/dose_csv.h"
#include "registry/person.h"
#include "storage/database.h"
#include "storage/migrate.h"

using namespace vaxreg;

int main(int argc, char** argv) {
  std::string csv, url;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--csv") csv = argv[i + 1];
    if (a == "--db") url = argv[i + 1];
  }
  if (csv.empty() || url.rfind("sqlite:", 0) != 0) {
    std::fprintf(stderr, "usage: %s --csv FILE --db sqlite:PATH\n", argv[0]);
    return 2;
  }
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<registry::DoseCsvRow> rows;
  size_t n = 1;
  while (std::getline(in, line)) {
    auto r = registry::ParseDoseCsvLine(line, ++n);
    if (r.ok()) rows.push_back(std::move(*r));
  }
  auto db = storage::OpenDatabase(url);
  if (!db.ok() || !storage::Migrate(**db).ok()) {
    std::fprintf(stderr, "cannot open or migrate %s\n", url.c_str());
    return 1;
  }
  auto conn = (*db)->OpenWriterConnection().value();
  if (!conn->Execute("INSERT INTO facilities (code, name, province_code, district_code, "
                     "commune_code, status, daily_capacity, applied_by, created_at, updated_at) "
                     "VALUES ('HN-BACHMAI', 'x', '01', '006', '00232', 'active', 1, 'b', 0, 0) "
                     "ON CONFLICT (code) DO NOTHING").ok() ||
      !conn->Execute("INSERT INTO vaccine_products (code, name, mp, ma, vp, primary_doses, "
                     "min_interval_days, booster_min_days, created_at) VALUES ('COMIRNATY', 'x', "
                     "'m', 'a', 'v', 2, 21, 90, 0) ON CONFLICT (code) DO NOTHING").ok()) {
    std::fprintf(stderr, "cannot prepare reference rows\n");
    return 1;
  }
  conn.reset();
  db->reset();  // the schema is in place; from here on only the C API touches the file

  const std::string path = url.substr(std::string_view("sqlite:").size());
  sqlite3* raw = nullptr;
  if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK ||
      sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), sqlite3_errmsg(raw));
    return 1;
  }
  sqlite3_stmt* person_stmt = nullptr;
  sqlite3_stmt* dose_stmt = nullptr;
  if (sqlite3_prepare_v2(raw,
                         "INSERT INTO people (id, cccd, full_name, name_folded, dob, birth_year, "
                         "sex, phone, province_code, district_code, commune_code, created_at, "
                         "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0)",
                         -1, &person_stmt, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(raw,
                         "INSERT INTO doses (person_id, vaccine_code, lot, dose_number, "
                         "administered_at, administered_day, facility_code, source, "
                         "province_code, recorded_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                         "?7, 'facility', ?8, 'bench', 0)",
                         -1, &dose_stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cannot prepare: %s\n", sqlite3_errmsg(raw));
    return 1;
  }
  // No copy of the bound text: every string outlives the step that reads it.
  const auto text = [](sqlite3_stmt* st, int i, const std::string& v) {
    sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), nullptr);  // SQLITE_STATIC
  };
  const auto step = [raw](sqlite3_stmt* st) {
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) std::fprintf(stderr, "insert failed: %s\n", sqlite3_errmsg(raw));
    return rc == SQLITE_DONE;
  };
  const auto exec = [raw](const char* sql) {
    return sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  };

  std::unordered_map<std::string, int64_t> people;
  int64_t next_id = 1;
  const auto start = std::chrono::steady_clock::now();
  size_t in_txn = 0;
  bool ok = exec("BEGIN");
  for (const auto& r : rows) {
    if (!ok) break;
    auto [it, added] = people.try_emplace(r.record_id, next_id);
    if (added) {
      ++next_id;
      sqlite3_bind_int64(person_stmt, 1, it->second);
      text(person_stmt, 2, r.cccd);
      text(person_stmt, 3, r.full_name);
      text(person_stmt, 4, r.full_name);
      text(person_stmt, 5, r.dob);
      sqlite3_bind_int64(person_stmt, 6, std::stoi(r.dob.substr(0, 4)));
      text(person_stmt, 7, r.sex);
      text(person_stmt, 8, r.phone);
      text(person_stmt, 9, r.province_code);
      text(person_stmt, 10, r.district_code);
      text(person_stmt, 11, r.commune_code);
      ok = step(person_stmt);
    }
    if (!ok) break;
    sqlite3_bind_int64(dose_stmt, 1, it->second);
    text(dose_stmt, 2, r.vaccine);
    text(dose_stmt, 3, r.lot);
    sqlite3_bind_int64(dose_stmt, 4, r.dose_number);
    sqlite3_bind_int64(dose_stmt, 5, r.administered_at);
    const std::string day = registry::FormatDay(registry::DayOf(r.administered_at));
    text(dose_stmt, 6, day);
    text(dose_stmt, 7, r.facility_code);
    text(dose_stmt, 8, r.province_code);
    ok = step(dose_stmt);
    if (ok && ++in_txn == 10000) {
      ok = exec("COMMIT") && exec("BEGIN");
      in_txn = 0;
    }
  }
  if (ok) ok = exec("COMMIT");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(person_stmt);
  sqlite3_finalize(dose_stmt);
  sqlite3_close(raw);
  if (!ok) return 1;
  std::printf("raw_rows=%zu raw_people=%lld raw_seconds=%.3f raw_rows_per_s=%.0f\n", rows.size(),
              static_cast<long long>(next_id - 1), secs, static_cast<double>(rows.size()) / secs);
  return 0;
}
