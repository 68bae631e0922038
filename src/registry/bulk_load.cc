#include "registry/bulk_load.h"

#include "registry/dose_service.h"
#include "registry/statistics.h"

namespace vaxreg::registry {
namespace {

using storage::Value;

constexpr size_t kRowsPerStatement = 256;
constexpr int kPersonColumns = 16;
constexpr int kDoseColumns = 15;

// "INSERT INTO t (cols) VALUES ($1..$k), ($k+1..$2k), ..." for `rows` rows.
std::string MultiRowInsert(std::string_view head, int columns, size_t rows) {
  std::string sql(head);
  int p = 1;
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? " (" : ", (";
    for (int c = 0; c < columns; ++c) {
      if (c > 0) sql += ", ";
      sql += "$" + std::to_string(p++);
    }
    sql += ")";
  }
  return sql;
}

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

}  // namespace

Result<BulkLoader> BulkLoader::Start(storage::Connection& conn) {
  BulkLoader l;
  ASSIGN_OR_RETURN(storage::Rows p, conn.Query("SELECT COALESCE(MAX(id), 0) FROM people"));
  ASSIGN_OR_RETURN(storage::Rows d, conn.Query("SELECT COALESCE(MAX(id), 0) FROM doses"));
  l.next_person_id_ = p[0].Int(0) + 1;
  l.next_dose_id_ = d[0].Int(0) + 1;
  return l;
}

Status BulkLoader::InsertPeople(storage::Connection& conn, const std::vector<BulkPerson>& people) {
  static constexpr std::string_view kHead =
      "INSERT INTO people (id, cccd, cmnd, passport, full_name, name_folded, dob, birth_year, sex, "
      "phone, province_code, district_code, commune_code, vax_status, created_by, created_at, "
      "updated_at) VALUES";
  std::vector<Value> params;
  for (size_t start = 0; start < people.size(); start += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, people.size() - start);
    params.clear();
    params.reserve(n * (kPersonColumns + 1));
    for (size_t i = start; i < start + n; ++i) {
      const Person& p = people[i].person;
      params.insert(params.end(),
                    {p.id, NullIfEmpty(p.cccd), NullIfEmpty(p.cmnd), NullIfEmpty(p.passport),
                     p.full_name, p.name_folded, p.dob, int64_t{p.birth_year},
                     std::string(SexCode(p.sex)), p.phone, p.province_code, p.district_code,
                     p.commune_code, p.vax_status, std::string("system:bulk-load"), p.created_at,
                     p.created_at});
    }
    RETURN_IF_ERROR(conn.Execute(MultiRowInsert(kHead, kPersonColumns + 1, n), params).status());
  }
  return Status::Ok();
}

Status BulkLoader::InsertDoses(storage::Connection& conn, const std::vector<const Dose*>& doses) {
  static constexpr std::string_view kHead =
      "INSERT INTO doses (id, person_id, vaccine_code, lot, dose_number, administered_at, "
      "administered_day, facility_code, vaccinator, source, review_status, province_code, status, "
      "recorded_by, created_at) VALUES";
  std::vector<Value> params;
  for (size_t start = 0; start < doses.size(); start += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, doses.size() - start);
    params.clear();
    params.reserve(n * kDoseColumns);
    for (size_t i = start; i < start + n; ++i) {
      const Dose& d = *doses[i];
      params.insert(params.end(),
                    {d.id, d.person_id, d.vaccine_code, d.lot, int64_t{d.dose_number},
                     d.administered_at, FormatDay(DayOf(d.administered_at)),
                     NullIfEmpty(d.facility_code), d.vaccinator, d.source, d.review_status,
                     d.province_code, std::string("active"), d.recorded_by, d.created_at});
    }
    RETURN_IF_ERROR(conn.Execute(MultiRowInsert(kHead, kDoseColumns, n), params).status());
  }
  return Status::Ok();
}

Status BulkLoader::Load(storage::Connection& conn, std::vector<BulkPerson>& people,
                        const std::vector<VaccineProduct>& catalogue, int64_t now) {
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> daily;
  std::map<std::pair<std::string, std::string>, int64_t> used;
  std::map<std::string, std::array<int64_t, 3>> coverage;
  std::vector<const Dose*> dose_rows;
  for (BulkPerson& bp : people) {
    bp.person.id = next_person_id_++;
    bp.person.created_at = now;
    for (Dose& d : bp.doses) {
      d.id = next_dose_id_++;
      d.person_id = bp.person.id;
      d.status = "active";
      d.created_at = now;
      dose_rows.push_back(&d);
      if (!d.Counts()) continue;
      ++daily[{FormatDay(DayOf(d.administered_at)), d.province_code, d.vaccine_code}];
      if (!d.facility_code.empty()) {
        ++used[{d.facility_code, d.vaccine_code}];
        ++used[{d.province_code, d.vaccine_code}];
      }
    }
    const StatusSummary s = ComputeStatus(ToDoseFacts(bp.doses), catalogue);
    bp.person.vax_status = std::string(VaccinationStatusName(s.status));
    const int rank = static_cast<int>(s.status);
    if (rank > 0) {
      auto& c = coverage[bp.person.province_code];
      c[0] += 1;
      c[1] += rank >= 2 ? 1 : 0;
      c[2] += rank >= 3 ? 1 : 0;
    }
  }
  RETURN_IF_ERROR(InsertPeople(conn, people));
  RETURN_IF_ERROR(InsertDoses(conn, dose_rows));
  for (const auto& [key, n] : daily) {
    RETURN_IF_ERROR(conn.Execute("INSERT INTO stat_doses_daily (day, province_code, vaccine_code, "
                                 "doses) VALUES ($1, $2, $3, $4) ON CONFLICT (day, province_code, "
                                 "vaccine_code) DO UPDATE SET doses = stat_doses_daily.doses + $4",
                                 {std::get<0>(key), std::get<1>(key), std::get<2>(key), n})
                        .status());
  }
  for (const auto& [key, n] : used) {
    RETURN_IF_ERROR(AdjustStock(conn, key.first, key.second, 0, 0, n));
  }
  for (const auto& [province, c] : coverage) {
    RETURN_IF_ERROR(conn.Execute("INSERT INTO stat_coverage (province_code, at_least_one, fully, "
                                 "booster) VALUES ($1, $2, $3, $4) ON CONFLICT (province_code) DO "
                                 "UPDATE SET at_least_one = stat_coverage.at_least_one + $2, "
                                 "fully = stat_coverage.fully + $3, "
                                 "booster = stat_coverage.booster + $4",
                                 {province, c[0], c[1], c[2]})
                        .status());
  }
  people_loaded_ += static_cast<int64_t>(people.size());
  doses_loaded_ += static_cast<int64_t>(dose_rows.size());
  return Status::Ok();
}

Status BulkLoader::Finish(storage::Connection& conn) {
  if (conn.dialect() != storage::Dialect::kPostgres) return Status::Ok();
  for (const char* table : {"people", "doses"}) {
    RETURN_IF_ERROR(conn.Query(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                               "', 'id'), (SELECT COALESCE(MAX(id), 1) FROM " + table + "))")
                        .status());
  }
  return Status::Ok();
}

}  // namespace vaxreg::registry
