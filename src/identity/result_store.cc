#include "identity/result_store.h"

#include <algorithm>
#include <cstdio>

#include "audit/audit_log.h"
#include "identity/file_match.h"
#include "identity/progress.h"

namespace vaxreg::identity {
namespace {

constexpr size_t kWriteBatch = 2000;
constexpr size_t kIdsPerQuery = 64;

constexpr std::string_view kPersonColumns =
    "SELECT id, cccd, cmnd, full_name, dob, sex, province_code, district_code, commune_code "
    "FROM people ";

void AppendRecords(const storage::Rows& rows, PersonRecords& out) {
  for (const storage::Row& r : rows) {
    out.ids.push_back(r.Int(0));
    out.people.push_back(PersonFromFields(r.IsNull(1) ? "" : r.Text(1),
                                          r.IsNull(2) ? "" : r.Text(2), r.Text(3), r.Text(4),
                                          r.Text(5), r.Text(6), r.Text(7), r.Text(8)));
    out.provinces.push_back(r.Text(6));
  }
}

// One statement text for every lookup (so one cached prepared statement): a short list is
// padded by repeating its last id, which IN ignores.
const std::string& ByIdsSql() {
  static const std::string* sql = [] {
    auto* s = new std::string(kPersonColumns);
    *s += "WHERE id IN (";
    for (size_t i = 1; i <= kIdsPerQuery; ++i) *s += (i == 1 ? "$" : ",$") + std::to_string(i);
    *s += ") ORDER BY id";
    return s;
  }();
  return *sql;
}

}  // namespace

Result<PersonRecords> LoadAllPersonRecords(storage::Connection& conn) {
  PersonRecords out;
  int64_t after = 0;
  for (;;) {  // keyset pages keep the result sets small
    ASSIGN_OR_RETURN(storage::Rows rows,
                     conn.Query(std::string(kPersonColumns) +
                                    "WHERE id > $1 ORDER BY id LIMIT 50000",
                                {after}));
    if (rows.empty()) break;
    AppendRecords(rows, out);
    after = out.ids.back();
  }
  return out;
}

Result<PersonRecords> LoadPersonRecords(storage::Connection& conn, std::span<const int64_t> ids) {
  std::vector<int64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  PersonRecords out;
  std::vector<storage::Value> params(kIdsPerQuery);
  for (size_t start = 0; start < sorted.size(); start += kIdsPerQuery) {
    const size_t n = std::min(kIdsPerQuery, sorted.size() - start);
    for (size_t i = 0; i < kIdsPerQuery; ++i) params[i] = sorted[start + std::min(i, n - 1)];
    ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(ByIdsSql(), params));
    AppendRecords(rows, out);
  }
  return out;
}

std::string MatchDetailsJson(const MatchResult& r, const FsModel& model) {
  std::string differs, fields;
  char buf[96];
  for (int f = 0; f < kNumFields; ++f) {
    const int8_t level = r.comparison.level[static_cast<size_t>(f)];
    const std::string name(FieldName(static_cast<Field>(f)));
    if (level > 0) differs += (differs.empty() ? "\"" : ",\"") + name + "\"";
    std::snprintf(buf, sizeof buf, "\"%s\":{\"level\":%d,\"weight\":%.2f}", name.c_str(), level,
                  model.FieldWeight(static_cast<Field>(f), level));
    fields += (fields.empty() ? "" : ",") + std::string(buf);
  }
  return "{\"differs\":[" + differs + "],\"fields\":{" + fields + "}}";
}

Status SaveMatchResults(storage::GroupCommitWriter& writer, const Clock& clock,
                        const LoadedRegister& reg, const PersonRecords& records,
                        std::span<const MatchResult> results, const FsModel& model,
                        VerifyReport& report, std::ostream* progress) {
  const int64_t now = ToUnixSeconds(clock.Now());
  ProgressBar saving(progress, "saving   ", results.size());
  for (size_t start = 0; start < results.size(); start += kWriteBatch) {
    const size_t end = std::min(results.size(), start + kWriteBatch);
    // Kept out of RETURN_IF_ERROR: the macros inside the write would shadow its temporary.
    const Status written = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
      for (size_t i = start; i < end; ++i) {
        const MatchResult& r = results[i];
        const bool linked = r.status != MatchStatus::kNotFound && r.candidate >= 0;
        const auto cand = static_cast<size_t>(r.candidate);
        storage::Value register_id = linked ? storage::Value(reg.ids[cand]) : storage::Value(nullptr);
        RETURN_IF_ERROR(
            c.Execute(
                 "INSERT INTO identity_results (person_id, status, register_id, matched_cccd, "
                 "score, weight, details_json, province_code, verified_at) VALUES "
                 "($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (person_id) DO UPDATE SET "
                 "status = excluded.status, register_id = excluded.register_id, matched_cccd = "
                 "excluded.matched_cccd, score = excluded.score, weight = excluded.weight, "
                 "details_json = excluded.details_json, province_code = excluded.province_code, "
                 "verified_at = excluded.verified_at, review_status = CASE WHEN "
                 "identity_results.register_id IS NOT DISTINCT FROM excluded.register_id THEN "
                 "identity_results.review_status ELSE 'open' END",
                 {records.ids[i], std::string(MatchStatusName(r.status)), register_id,
                  linked ? RegisterNumber(reg.people[cand]) : std::string(),
                  r.candidate >= 0 ? r.probability : 0.0, r.candidate >= 0 ? r.weight : 0.0,
                  MatchDetailsJson(r, model), records.provinces[i], now})
                .status());
        RETURN_IF_ERROR(c.Execute("UPDATE people SET identity_status = $1 WHERE id = $2",
                                  {std::string(r.status == MatchStatus::kVerified ? "verified"
                                                                                  : "mismatch"),
                                   records.ids[i]})
                            .status());
      }
      return Status::Ok();
    });
    RETURN_IF_ERROR(written);
    saving.Update(end);
  }
  saving.Finish();
  for (const MatchResult& r : results) {
    report.verified += r.status == MatchStatus::kVerified;
    report.proposed += r.status == MatchStatus::kProposed;
    report.not_found += r.status == MatchStatus::kNotFound;
  }
  return Status::Ok();
}

Status AuditVerification(storage::GroupCommitWriter& writer, const Clock& clock,
                         const std::string& actor, const std::string& action,
                         const VerifyReport& report) {
  const std::string after = "{\"people\":" + std::to_string(report.people) +
                            ",\"verified\":" + std::to_string(report.verified) +
                            ",\"proposed_correction\":" + std::to_string(report.proposed) +
                            ",\"not_found\":" + std::to_string(report.not_found) + "}";
  return writer.SubmitAndWait([&](storage::Connection& c) {
    return audit::AppendAudit(c, clock, {actor, action, "people", "null", after, ""});
  });
}

}  // namespace vaxreg::identity
