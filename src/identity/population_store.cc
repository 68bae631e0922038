#include "identity/population_store.h"

#include <unordered_map>

#include "audit/audit_log.h"
#include "geo/admin_units.h"
#include "identity/csv.h"
#include "identity/file_match.h"
#include "identity/progress.h"
#include "registry/identity_number.h"
#include "text/vietnamese.h"

namespace vaxreg::identity {
namespace {

constexpr size_t kRowsPerStatement = 64;
constexpr size_t kColumns = 11;

const std::vector<std::string_view> kHeader = {
    "cccd", "cmnd", "full_name", "dob", "sex", "province_code", "district_code", "commune_code"};

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string UpsertSql(size_t rows) {
  std::string sql =
      "INSERT INTO population_register (person_key, cccd, cmnd, full_name, dob, sex, "
      "province_code, district_code, commune_code, snapshot_id, updated_at) VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ",(";
    for (size_t c = 0; c < kColumns; ++c) {
      sql += (c == 0 ? "$" : ",$") + std::to_string(r * kColumns + c + 1);
    }
    sql += ")";
  }
  sql +=
      " ON CONFLICT (person_key) DO UPDATE SET cmnd = excluded.cmnd, full_name = excluded.full_name,"
      " dob = excluded.dob, sex = excluded.sex, province_code = excluded.province_code,"
      " district_code = excluded.district_code, commune_code = excluded.commune_code,"
      " snapshot_id = excluded.snapshot_id, updated_at = excluded.updated_at"
      " WHERE population_register.cmnd <> excluded.cmnd"
      " OR population_register.full_name <> excluded.full_name"
      " OR population_register.dob <> excluded.dob OR population_register.sex <> excluded.sex"
      " OR population_register.province_code <> excluded.province_code"
      " OR population_register.district_code <> excluded.district_code"
      " OR population_register.commune_code <> excluded.commune_code";
  return sql;
}

Result<int64_t> CountRegister(storage::Database& db) {
  ASSIGN_OR_RETURN(auto conn, db.Acquire());
  ASSIGN_OR_RETURN(storage::Rows rows, conn->Query("SELECT COUNT(*) FROM population_register", {}));
  return rows.at(0).Int(0);
}

// Writes one batch (distinct person keys) in the caller's transaction; returns rows changed.
Result<int64_t> UpsertBatch(storage::Connection& conn, const std::vector<PopulationRow>& rows,
                            int64_t snapshot_id, int64_t now) {
  int64_t changed = 0;
  for (size_t start = 0; start < rows.size(); start += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows.size() - start);
    std::vector<storage::Value> params;
    params.reserve(n * kColumns);
    for (size_t i = start; i < start + n; ++i) {
      const PopulationRow& r = rows[i];
      params.emplace_back(r.PersonKey());
      params.emplace_back(r.cccd.empty() ? storage::Value(nullptr) : storage::Value(r.cccd));
      params.emplace_back(r.cmnd);
      params.emplace_back(r.full_name);
      params.emplace_back(r.dob);
      params.emplace_back(r.sex);
      params.emplace_back(r.province_code);
      params.emplace_back(r.district_code);
      params.emplace_back(r.commune_code);
      params.emplace_back(snapshot_id);
      params.emplace_back(now);
    }
    ASSIGN_OR_RETURN(int64_t c, conn.Execute(UpsertSql(n), params));
    changed += c;
  }
  return changed;
}

}  // namespace

Result<PopulationRow> ParsePopulationRow(const std::vector<std::string_view>& f) {
  if (f.size() < kHeader.size()) {
    return InvalidArgumentError("expected 8 columns, found " + std::to_string(f.size()));
  }
  PopulationRow r;
  r.cccd = Trimmed(f[0]);
  r.cmnd = Trimmed(f[1]);
  if (!r.cccd.empty()) {
    ASSIGN_OR_RETURN(registry::CccdInfo info, registry::ParseCccd(r.cccd));
    (void)info;
  }
  if (!r.cmnd.empty() && !registry::IsCmnd(r.cmnd)) {
    return InvalidArgumentError("cmnd must be 9 digits", "cmnd");
  }
  if (r.cccd.empty() && r.cmnd.empty()) return InvalidArgumentError("no cccd or cmnd", "cccd");
  ASSIGN_OR_RETURN(r.full_name, text::NormalizeName(f[2]));
  if (r.full_name.empty()) return InvalidArgumentError("full_name is empty", "full_name");
  r.dob = Trimmed(f[3]);
  const BirthDate dob = ParseBirthDate(r.dob);
  const bool dob_ok = (r.dob.size() == 10 && r.dob[4] == '-' && dob.full()) ||
                      (r.dob.size() == 4 && dob.known());
  if (!dob_ok) return InvalidArgumentError("dob must be YYYY-MM-DD or YYYY", "dob");
  r.sex = Trimmed(f[4]);
  if (r.sex != "M" && r.sex != "F") return InvalidArgumentError("sex must be M or F", "sex");
  r.province_code = Trimmed(f[5]);
  r.district_code = Trimmed(f[6]);
  r.commune_code = Trimmed(f[7]);
  const geo::AdminUnits& units = geo::AdminUnits::Get();
  auto check = [&](const std::string& code, geo::Level level, const std::string& parent,
                   const char* field) -> Status {
    if (code.empty()) return Status::Ok();
    const geo::AdminUnit* u = units.Find(code);
    if (!AllDigits(code) || u == nullptr || u->level != level) {
      return InvalidArgumentError("unknown " + std::string(field) + " " + code, field);
    }
    if (!parent.empty() && u->parent_code != parent) {
      return InvalidArgumentError(std::string(field) + " " + code + " is not in " + parent, field);
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(check(r.province_code, geo::Level::kProvince, "", "province_code"));
  RETURN_IF_ERROR(check(r.district_code, geo::Level::kDistrict, r.province_code, "district_code"));
  RETURN_IF_ERROR(check(r.commune_code, geo::Level::kCommune, r.district_code, "commune_code"));
  return r;
}

Result<SnapshotReport> ImportPopulationCsv(storage::Database& db, storage::GroupCommitWriter& writer,
                                           const Clock& clock, const std::string& path,
                                           const ImportOptions& options, std::ostream* progress) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path));
  std::vector<std::string_view> fields;
  if (!reader->Next(fields)) return InvalidArgumentError(path + " is empty");
  ASSIGN_OR_RETURN(std::vector<size_t> cols, MapColumns(fields, kHeader));

  SnapshotReport report;
  const int64_t now = ToUnixSeconds(clock.Now());
  const Status write_1 = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    ASSIGN_OR_RETURN(storage::Rows rows,
                     c.Query("INSERT INTO population_snapshots (source, imported_by, started_at) "
                             "VALUES ($1, $2, $3) RETURNING id",
                             {options.source.empty() ? path : options.source, options.actor, now}));
    report.snapshot_id = rows.at(0).Int(0);
    return Status::Ok();
  });
  RETURN_IF_ERROR(write_1);
  ASSIGN_OR_RETURN(const int64_t count_before, CountRegister(db));

  ProgressBar bar(progress, "population", reader->file_size(), ProgressBar::Measure::kBytes);
  std::vector<PopulationRow> batch;
  std::unordered_map<std::string, size_t> in_batch;
  uint64_t changed = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    Status st = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
      ASSIGN_OR_RETURN(int64_t n, UpsertBatch(c, batch, report.snapshot_id, now));
      changed += static_cast<uint64_t>(n);
      return Status::Ok();
    });
    batch.clear();
    in_batch.clear();
    bar.Update(reader->bytes_read(), report.rows_read);
    return st;
  };
  std::vector<std::string_view> row(kHeader.size());
  while (reader->Next(fields)) {
    ++report.rows_read;
    for (size_t i = 0; i < cols.size(); ++i) row[i] = cols[i] < fields.size() ? fields[cols[i]] : "";
    Result<PopulationRow> parsed = ParsePopulationRow(row);
    if (!parsed.ok()) {
      ++report.rejected;
      if (report.errors.size() < options.max_errors) {
        report.errors.push_back({reader->line(), parsed.status()});
      }
      continue;
    }
    // A key repeated within one batch: the later row wins (one statement may not touch a row
    // twice).
    auto [it, inserted] = in_batch.try_emplace(parsed->PersonKey(), batch.size());
    if (inserted) {
      batch.push_back(std::move(*parsed));
    } else {
      batch[it->second] = std::move(*parsed);
    }
    if (batch.size() >= options.batch_rows) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(flush());
  bar.Finish(report.rows_read);
  ASSIGN_OR_RETURN(const int64_t count_after, CountRegister(db));
  report.inserted = static_cast<uint64_t>(count_after - count_before);
  report.updated = changed - report.inserted;
  report.unchanged = report.rows_read - report.rejected - changed;
  const Status write_2 = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    RETURN_IF_ERROR(c.Execute("UPDATE population_snapshots SET finished_at = $1, rows_read = $2, "
                              "inserted = $3, updated = $4, unchanged = $5, rejected = $6 "
                              "WHERE id = $7",
                              {ToUnixSeconds(clock.Now()), static_cast<int64_t>(report.rows_read),
                               static_cast<int64_t>(report.inserted),
                               static_cast<int64_t>(report.updated),
                               static_cast<int64_t>(report.unchanged),
                               static_cast<int64_t>(report.rejected), report.snapshot_id})
                        .status());
    const std::string after =
        "{\"rows_read\":" + std::to_string(report.rows_read) +
        ",\"inserted\":" + std::to_string(report.inserted) + ",\"updated\":" +
        std::to_string(report.updated) + ",\"unchanged\":" + std::to_string(report.unchanged) +
        ",\"rejected\":" + std::to_string(report.rejected) + "}";
    return audit::AppendAudit(c, clock,
                              {options.actor, "population.import",
                               "population_snapshot:" + std::to_string(report.snapshot_id), "null",
                               after, ""});
  });
  RETURN_IF_ERROR(write_2);
  return report;
}

Result<LoadedRegister> LoadPopulationRegister(storage::Connection& conn) {
  LoadedRegister out;
  int64_t after = 0;
  for (;;) {  // keyset pages keep the result sets small
    ASSIGN_OR_RETURN(storage::Rows rows,
                     conn.Query("SELECT id, cccd, cmnd, full_name, dob, sex, province_code, "
                                "district_code, commune_code FROM population_register WHERE id > $1 "
                                "ORDER BY id LIMIT 50000",
                                {after}));
    if (rows.empty()) break;
    for (const storage::Row& r : rows) {
      out.ids.push_back(r.Int(0));
      out.people.push_back(PersonFromFields(r.IsNull(1) ? "" : r.Text(1), r.Text(2), r.Text(3),
                                            r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Text(8)));
    }
    after = out.ids.back();
  }
  return out;
}

Result<int64_t> LatestSnapshotId(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COALESCE(MAX(id), 0) FROM population_snapshots "
                              "WHERE finished_at IS NOT NULL",
                              {}));
  return rows.at(0).Int(0);
}

Result<std::vector<UnitPopulation>> CountPopulationByUnit(storage::Connection& conn,
                                                          PopulationSource source,
                                                          bool by_district) {
  const std::string from = source == PopulationSource::kRegister
                               ? " FROM population_register"
                               : " FROM people WHERE merged_into IS NULL";
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query(by_district ? "SELECT province_code, district_code, COUNT(*)" +
                                                from + " GROUP BY province_code, district_code"
                                          : "SELECT province_code, '', COUNT(*)" + from +
                                                " GROUP BY province_code",
                              {}));
  std::vector<UnitPopulation> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2)});
  return out;
}

}  // namespace vaxreg::identity
