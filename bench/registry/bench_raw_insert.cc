// The raw limit for the CSV import benchmark: the same people-with-doses CSV inserted into the
// same schema (migrations applied, every index present) with plain prepared single-row INSERTs,
// 10,000 rows per transaction, no validation, no audit, no counters. Parsing is done before the
// clock starts. Prints raw_rows_per_s (CSV rows, i.e. doses, per second).
//
// Usage: bench_raw_insert --csv FILE --db URL   (a fresh database)

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
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
  if (csv.empty() || url.empty()) {
    std::fprintf(stderr, "usage: %s --csv FILE --db URL\n", argv[0]);
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
  std::unordered_map<std::string, int64_t> people;
  int64_t next_id = 1;
  const auto start = std::chrono::steady_clock::now();
  size_t in_txn = 0;
  Status st = conn->Begin();
  for (const auto& r : rows) {
    if (!st.ok()) break;
    auto [it, added] = people.try_emplace(r.record_id, next_id);
    if (added) {
      ++next_id;
      st = conn->Execute("INSERT INTO people (id, cccd, full_name, name_folded, dob, birth_year, "
                         "sex, phone, province_code, district_code, commune_code, created_at, "
                         "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0)",
                         {it->second, r.cccd, r.full_name, r.full_name, r.dob,
                          int64_t{std::stoi(r.dob.substr(0, 4))}, r.sex, r.phone, r.province_code,
                          r.district_code, r.commune_code})
               .status();
    }
    if (st.ok()) {
      st = conn->Execute("INSERT INTO doses (person_id, vaccine_code, lot, dose_number, "
                         "administered_at, administered_day, facility_code, source, "
                         "province_code, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, "
                         "$7, 'facility', $8, 'bench', 0)",
                         {it->second, r.vaccine, r.lot, int64_t{r.dose_number}, r.administered_at,
                          registry::FormatDay(registry::DayOf(r.administered_at)), r.facility_code,
                          r.province_code})
               .status();
    }
    if (st.ok() && ++in_txn == 10000) {
      st = conn->Commit();
      if (st.ok()) st = conn->Begin();
      in_txn = 0;
    }
  }
  if (st.ok()) st = conn->Commit();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!st.ok()) {
    std::fprintf(stderr, "insert failed: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("raw_rows=%zu raw_people=%lld raw_seconds=%.3f raw_rows_per_s=%.0f\n", rows.size(),
              static_cast<long long>(next_id - 1), secs, static_cast<double>(rows.size()) / secs);
  return 0;
}
