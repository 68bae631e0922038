#include "registry/bulk_load.h"

#include <functional>
#include <iterator>
#include <string_view>
#include <unordered_map>

#include "registry/dose_service.h"
#include "registry/person_store.h"
#include "registry/statistics.h"

namespace vaxreg::registry {
namespace {

using storage::Value;

constexpr size_t kRowsPerStatement = 256;
constexpr int kPersonColumns = 16;
constexpr int kDoseColumns = 17;
// The columns written, in order: PostgreSQL takes the rows by COPY (an order of magnitude faster
// than INSERT), SQLite by multi-row prepared INSERTs.
constexpr std::string_view kPeopleColumns =
    "id, cccd, cmnd, passport, full_name, name_folded, dob, birth_year, sex, phone, "
    "province_code, district_code, commune_code, vax_status, created_by, created_at, updated_at";
constexpr std::string_view kDosesColumns =
    "id, person_id, vaccine_code, lot, dose_number, administered_at, administered_day, "
    "facility_code, vaccinator, source, review_status, province_code, status, recorded_by, "
    "created_at, idempotency_key, override_reason";

// "INSERT INTO t (cols) VALUES ($1..$k), ($k+1..$2k), ..." for `rows` rows.
std::string BuildMultiRowInsert(std::string_view head, int columns, size_t rows) {
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

// Rows in the next statement when `remaining` rows are left: kRowsPerStatement, else the largest
// power of two that fits. Statements therefore come in nine shapes per table, which stay in the
// connection's prepared-statement cache; a statement per remainder size would be prepared anew
// (a 4,000-parameter parse) on nearly every load and flood that cache.
size_t StatementRows(size_t remaining) {
  if (remaining >= kRowsPerStatement) return kRowsPerStatement;
  size_t n = 1;
  while (n * 2 <= remaining) n *= 2;
  return n;
}

// The SQL for a statement of `rows` rows (a StatementRows size), built once per shape.
class MultiRowInserts {
 public:
  MultiRowInserts(std::string_view head, int columns) {
    for (size_t n = 1; n <= kRowsPerStatement; n *= 2) {
      sql_.push_back(BuildMultiRowInsert(head, columns, n));
    }
  }
  const std::string& For(size_t rows) const {
    size_t i = 0;
    while ((size_t{1} << i) < rows) ++i;
    CHECK((size_t{1} << i) == rows && i < sql_.size());
    return sql_[i];
  }

 private:
  std::vector<std::string> sql_;
};

// A statistics day: the doses given in a province with a vaccine and a dose number on a day.
struct DailyKey {
  std::chrono::sys_days day;
  std::string_view province, vaccine;
  int dose_number = 0;
  bool operator==(const DailyKey&) const = default;
};

size_t HashCombine(size_t seed, size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

struct DailyKeyHash {
  size_t operator()(const DailyKey& k) const {
    size_t h = std::hash<int64_t>()(k.day.time_since_epoch().count());
    h = HashCombine(h, std::hash<std::string_view>()(k.province));
    h = HashCombine(h, std::hash<int>()(k.dose_number));
    return HashCombine(h, std::hash<std::string_view>()(k.vaccine));
  }
};

struct PairHash {
  size_t operator()(const std::pair<std::string_view, std::string_view>& k) const {
    return HashCombine(std::hash<std::string_view>()(k.first),
                       std::hash<std::string_view>()(k.second));
  }
};

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

int StatusRank(std::string_view status) {
  return status == "booster" ? 3 : status == "fully" ? 2 : status == "partly" ? 1 : 0;
}

}  // namespace

Status BulkLoader::ReadNextIds(storage::Connection& conn) {
  // PostgreSQL: ids come from the tables' sequences (ReserveIds), which other processes share.
  if (conn.dialect() == storage::Dialect::kPostgres) return Status::Ok();
  // SQLite: the writer holds the database's write lock (BEGIN IMMEDIATE), so no other process
  // can insert between this read and the load.
  ASSIGN_OR_RETURN(storage::Rows p, conn.Query("SELECT COALESCE(MAX(id), 0) FROM people"));
  ASSIGN_OR_RETURN(storage::Rows d, conn.Query("SELECT COALESCE(MAX(id), 0) FROM doses"));
  next_person_id_ = p[0].Int(0) + 1;
  next_dose_id_ = d[0].Int(0) + 1;
  return Status::Ok();
}

Result<std::vector<int64_t>> BulkLoader::ReserveIds(storage::Connection& conn,
                                                    std::string_view table, size_t n,
                                                    int64_t& next) {
  std::vector<int64_t> ids;
  ids.reserve(n);
  if (n == 0) return ids;
  if (conn.dialect() != storage::Dialect::kPostgres) {
    for (size_t i = 0; i < n; ++i) ids.push_back(next++);
    return ids;
  }
  // Each nextval is atomic across sessions: the ids are this load's alone, even when another
  // vaxreg process loads at the same time (they need not be contiguous).
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)",
      {std::string(table), static_cast<int64_t>(n)}, [&](const storage::RowView& r) {
        ids.push_back(r.Int(0));
        return Status::Ok();
      }));
  if (ids.size() != n)
    return InternalError("sequence of " + std::string(table) + " gave too few ids");
  return ids;
}

Result<BulkLoader> BulkLoader::Start(storage::Connection& conn) {
  BulkLoader l;
  RETURN_IF_ERROR(l.ReadNextIds(conn));
  return l;
}

namespace {

// One row of people / doses in the order of kPeopleColumns / kDosesColumns.
std::vector<Value> PersonRow(const Person& p) {
  return {p.id, NullIfEmpty(p.cccd), NullIfEmpty(p.cmnd), NullIfEmpty(p.passport), p.full_name,
          p.name_folded, p.dob, int64_t{p.birth_year}, std::string(SexCode(p.sex)), p.phone,
          p.province_code, p.district_code, p.commune_code, p.vax_status,
          std::string("system:bulk-load"), p.created_at, p.created_at};
}

std::vector<Value> DoseRow(const Dose& d) {
  return {d.id, d.person_id, d.vaccine_code, d.lot, int64_t{d.dose_number}, d.administered_at,
          FormatDay(DayOf(d.administered_at)), NullIfEmpty(d.facility_code), d.vaccinator,
          d.source, d.review_status, d.province_code, std::string("active"), d.recorded_by,
          d.created_at, NullIfEmpty(d.idempotency_key), NullIfEmpty(d.override_reason)};
}

// Writes `items` as rows of `table`: COPY on PostgreSQL, multi-row INSERTs elsewhere.
template <typename T, typename RowOf>
Status InsertRows(storage::Connection& conn, std::string_view table, std::string_view columns,
                  const MultiRowInserts& sql, size_t width, const std::vector<T>& items,
                  RowOf row_of) {
  if (conn.dialect() == storage::Dialect::kPostgres) {
    storage::CopyBuffer rows;
    for (const auto& item : items) rows.Row(row_of(item));
    return conn.CopyRows(table, columns, rows);
  }
  std::vector<Value> params;
  for (size_t start = 0, n = 0; start < items.size(); start += n) {
    n = StatementRows(items.size() - start);
    params.clear();
    params.reserve(n * width);
    for (size_t i = start; i < start + n; ++i) {
      std::vector<Value> row = row_of(items[i]);
      std::move(row.begin(), row.end(), std::back_inserter(params));
    }
    RETURN_IF_ERROR(conn.Execute(sql.For(n), params).status());
  }
  return Status::Ok();
}

}  // namespace

Status BulkLoader::InsertPeople(storage::Connection& conn,
                                const std::vector<const BulkPerson*>& people) {
  static const std::string kHead = "INSERT INTO people (" + std::string(kPeopleColumns) + ") VALUES";
  static const MultiRowInserts kSql(kHead, kPersonColumns + 1);
  return InsertRows(conn, "people", kPeopleColumns, kSql, kPersonColumns + 1, people,
                    [](const BulkPerson* bp) { return PersonRow(bp->person); });
}

Status BulkLoader::InsertDoses(storage::Connection& conn, const std::vector<const Dose*>& doses) {
  static const std::string kHead = "INSERT INTO doses (" + std::string(kDosesColumns) + ") VALUES";
  static const MultiRowInserts kSql(kHead, kDoseColumns);
  return InsertRows(conn, "doses", kDosesColumns, kSql, kDoseColumns, doses,
                    [](const Dose* d) { return DoseRow(*d); });
}

Status BulkLoader::Load(storage::Connection& conn, std::vector<BulkPerson>& people,
                        const std::vector<VaccineProduct>& catalogue, int64_t now) {
  // Tallies keyed by views into the doses and people of `people`, which outlive them; the days
  // are formatted once per key when the counters are written, not once per dose.
  std::unordered_map<DailyKey, int64_t, DailyKeyHash> daily;
  std::unordered_map<std::pair<std::string_view, std::string_view>, int64_t, PairHash> used;
  std::unordered_map<std::string_view, std::array<int64_t, 3>> coverage;
  std::vector<const Dose*> dose_rows;
  std::vector<const BulkPerson*> new_people;
  std::map<std::string, std::vector<int64_t>> changed_status;  // existing people, by new status
  RETURN_IF_ERROR(ReadNextIds(conn));
  size_t people_needed = 0, doses_needed = 0;
  for (const BulkPerson& bp : people) {
    people_needed += bp.person.id == 0;
    doses_needed += bp.doses.size();
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> person_ids,
                   ReserveIds(conn, "people", people_needed, next_person_id_));
  ASSIGN_OR_RETURN(std::vector<int64_t> dose_ids,
                   ReserveIds(conn, "doses", doses_needed, next_dose_id_));
  size_t next_person = 0, next_dose = 0;
  for (BulkPerson& bp : people) {
    const bool existing = bp.person.id != 0;
    const std::string old_status = existing ? bp.person.vax_status : "none";
    if (!existing) {
      bp.person.id = person_ids[next_person++];
      bp.person.created_at = now;
      new_people.push_back(&bp);
    }
    for (Dose& d : bp.doses) {
      d.id = dose_ids[next_dose++];
      d.person_id = bp.person.id;
      d.status = "active";
      d.created_at = now;
      dose_rows.push_back(&d);
      if (!d.Counts()) continue;
      ++daily[{DayOf(d.administered_at), d.province_code, d.vaccine_code, d.dose_number}];
      // Only the facility's stock: its province allocated those doses to it (statistics.h).
      if (!d.facility_code.empty()) ++used[{d.facility_code, d.vaccine_code}];
    }
    std::vector<DoseFacts> facts = ToDoseFacts(bp.existing_doses);
    for (const DoseFacts& f : ToDoseFacts(bp.doses)) facts.push_back(f);
    const StatusSummary s = ComputeStatus(std::move(facts), catalogue);
    bp.person.vax_status = std::string(VaccinationStatusName(s.status));
    if (bp.person.vax_status == old_status) continue;
    if (existing) changed_status[bp.person.vax_status].push_back(bp.person.id);
    const int from = StatusRank(old_status), to = static_cast<int>(s.status);
    auto& c = coverage[bp.person.province_code.empty() && !bp.doses.empty()
                           ? std::string_view(bp.doses.front().province_code)
                           : std::string_view(bp.person.province_code)];
    for (int level = 1; level <= 3; ++level) c[level - 1] += (to >= level) - (from >= level);
  }
  for (const auto& [status, ids] : changed_status) {
    RETURN_IF_ERROR(SetPeopleVaxStatus(conn, ids, status, now));
  }
  RETURN_IF_ERROR(InsertPeople(conn, new_people));
  RETURN_IF_ERROR(InsertDoses(conn, dose_rows));
  // Counters are written at commit, in the one order every writer uses (AddToCounter).
  for (const auto& [key, n] : daily) {
    RETURN_IF_ERROR(
        AddDailyDoses(conn, FormatDay(key.day), key.province, key.vaccine, key.dose_number, n));
  }
  for (const auto& [key, n] : used) {
    RETURN_IF_ERROR(AddDosesUsed(conn, key.first, key.second, n));
  }
  for (const auto& [province, c] : coverage) {
    RETURN_IF_ERROR(AddCoverage(conn, province, c[0], c[1], c[2]));
  }
  people_loaded_ += static_cast<int64_t>(new_people.size());
  doses_loaded_ += static_cast<int64_t>(dose_rows.size());
  return Status::Ok();
}

Status BulkLoader::Finish(storage::Connection&) {
  // PostgreSQL ids were taken from the sequences themselves (ReserveIds): nothing to move. (Moving
  // a sequence to MAX(id) here could take it back below ids another process has reserved.)
  return Status::Ok();
}

}  // namespace vaxreg::registry
