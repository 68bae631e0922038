#include "identity/verification.h"

#include <cstdio>

#include "audit/audit_log.h"
#include "identity/csv.h"
#include "identity/file_match.h"
#include "identity/population_store.h"
#include "identity/progress.h"

namespace vaxreg::identity {
namespace {

constexpr size_t kWriteBatch = 2000;

struct PeoplePage {
  std::vector<int64_t> ids;
  std::vector<Person> people;
  std::vector<std::string> provinces;
};

Result<PeoplePage> LoadPeople(storage::Connection& conn) {
  PeoplePage out;
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(storage::Rows rows,
                     conn.Query("SELECT id, cccd, cmnd, full_name, dob, sex, province_code, "
                                "district_code, commune_code FROM people WHERE id > $1 "
                                "ORDER BY id LIMIT 50000",
                                {after}));
    if (rows.empty()) break;
    for (const storage::Row& r : rows) {
      out.ids.push_back(r.Int(0));
      out.people.push_back(PersonFromFields(r.IsNull(1) ? "" : r.Text(1),
                                            r.IsNull(2) ? "" : r.Text(2), r.Text(3), r.Text(4),
                                            r.Text(5), r.Text(6), r.Text(7), r.Text(8)));
      out.provinces.push_back(r.Text(6));
    }
    after = out.ids.back();
  }
  return out;
}

}  // namespace

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

Result<VerifyAllReport> VerifyAllPeople(storage::Database& db, storage::GroupCommitWriter& writer,
                                        const Clock& clock, const MatchOptions& options,
                                        const std::string& actor, std::ostream* progress) {
  VerifyAllReport report;
  LoadedRegister reg;
  PeoplePage people;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(reg, LoadPopulationRegister(*conn));
    ASSIGN_OR_RETURN(people, LoadPeople(*conn));
  }
  report.register_entries = reg.people.size();
  report.people = people.people.size();
  if (reg.people.empty()) return FailedPreconditionError("the population register is empty");

  Matcher matcher(reg.people, options);
  report.em = matcher.Train(people.people);
  report.model = matcher.model().Describe();
  ProgressBar bar(progress, "verifying", people.people.size());
  std::vector<MatchResult> results =
      matcher.MatchAll(people.people, [&](size_t done) { bar.Update(done); });
  bar.Finish();

  const int64_t now = ToUnixSeconds(clock.Now());
  ProgressBar saving(progress, "saving   ", results.size());
  for (size_t start = 0; start < results.size(); start += kWriteBatch) {
    const size_t end = std::min(results.size(), start + kWriteBatch);
    const Status write_1 = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
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
                 {people.ids[i], std::string(MatchStatusName(r.status)), register_id,
                  linked ? RegisterNumber(reg.people[cand]) : std::string(),
                  r.candidate >= 0 ? r.probability : 0.0, r.candidate >= 0 ? r.weight : 0.0,
                  MatchDetailsJson(r, matcher.model()), people.provinces[i], now})
                .status());
        RETURN_IF_ERROR(c.Execute("UPDATE people SET identity_status = $1 WHERE id = $2",
                                  {std::string(r.status == MatchStatus::kVerified ? "verified"
                                                                                  : "mismatch"),
                                   people.ids[i]})
                            .status());
      }
      return Status::Ok();
    });
  RETURN_IF_ERROR(write_1);
    saving.Update(end);
  }
  saving.Finish();
  for (const MatchResult& r : results) {
    report.verified += r.status == MatchStatus::kVerified;
    report.proposed += r.status == MatchStatus::kProposed;
    report.not_found += r.status == MatchStatus::kNotFound;
  }
  const std::string after = "{\"people\":" + std::to_string(report.people) +
                            ",\"verified\":" + std::to_string(report.verified) +
                            ",\"proposed_correction\":" + std::to_string(report.proposed) +
                            ",\"not_found\":" + std::to_string(report.not_found) + "}";
  const Status write_2 = writer.SubmitAndWait([&](storage::Connection& c) {
    return audit::AppendAudit(c, clock, {actor, "identity.verify_all", "people", "null", after, ""});
  });
  RETURN_IF_ERROR(write_2);
  return report;
}

Result<uint64_t> ExportIdentityCsv(storage::Connection& conn, std::ostream& out) {
  out << "record_id,status,matched_cccd,score\n";
  uint64_t written = 0;
  int64_t after = 0;
  std::string line;
  char score[32];
  for (;;) {
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        conn.Query("SELECT p.id, m.record_id, r.status, r.matched_cccd, r.score FROM people p "
                   "LEFT JOIN person_record_ids m ON m.person_id = p.id "
                   "LEFT JOIN identity_results r ON r.person_id = p.id "
                   "WHERE p.id > $1 AND p.id <= $1 + 20000 ORDER BY p.id, m.record_id",
                   {after}));
    if (rows.empty()) {
      ASSIGN_OR_RETURN(storage::Rows more,
                       conn.Query("SELECT MIN(id) FROM people WHERE id > $1", {after}));
      if (more.empty() || more.at(0).IsNull(0)) break;
      after = more.at(0).Int(0) - 1;
      continue;
    }
    for (const storage::Row& r : rows) {
      line.clear();
      AppendCsvField(line, r.IsNull(1) ? std::to_string(r.Int(0)) : r.Text(1));
      line += ',';
      line += r.IsNull(2) ? "unverified" : r.Text(2);
      line += ',';
      AppendCsvField(line, r.IsNull(3) ? "" : r.Text(3));
      std::snprintf(score, sizeof score, ",%.4f\n", r.IsNull(4) ? 0.0 : r.Double(4));
      line += score;
      out << line;
      ++written;
    }
    after += 20000;
  }
  return written;
}

}  // namespace vaxreg::identity
