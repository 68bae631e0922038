#include "identity/verification.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <unordered_set>

#include "identity/csv.h"
#include "identity/model_store.h"
#include "identity/population_store.h"
#include "identity/progress.h"
#include "identity/quarantine_match.h"

namespace vaxreg::identity {

Result<VerifyAllReport> VerifyAllPeople(storage::Database& db, storage::GroupCommitWriter& writer,
                                        const Clock& clock, const MatchOptions& options,
                                        const std::string& actor, std::ostream* progress) {
  VerifyAllReport report;
  LoadedRegister reg;
  PersonRecords people;
  // Each phase says so when it starts: loading and training a million records take seconds
  // before the bar below has anything to count.
  const auto start = std::chrono::steady_clock::now();
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ProgressNote(progress, "verify", "reading the population register", start);
    ASSIGN_OR_RETURN(reg, LoadPopulationRegister(*conn));
    ProgressNote(progress, "verify",
                 std::to_string(reg.people.size()) + " register entries read; reading the "
                 "person records",
                 start);
    ASSIGN_OR_RETURN(people, LoadAllPersonRecords(*conn));
  }
  report.register_entries = reg.people.size();
  report.people = people.people.size();
  if (reg.people.empty()) return FailedPreconditionError("the population register is empty");

  ProgressNote(progress, "verify",
               std::to_string(people.people.size()) + " person records read; indexing the "
               "register and training the match model",
               start);
  Matcher matcher(reg.people, options);
  RETURN_IF_ERROR(TrainAndSaveModel(matcher, people.people, db, writer, clock, actor, report).status());
  if (!report.warning.empty()) ProgressNote(progress, "verify", "warning: " + report.warning, start);
  ProgressBar bar(progress, "verifying", people.people.size());
  std::vector<MatchResult> results =
      matcher.MatchAll(people.people, [&](size_t done) { bar.Update(done); });
  bar.Finish();
  RETURN_IF_ERROR(
      SaveMatchResults(writer, clock, reg, people, results, matcher.model(), report, progress));
  results.clear();
  results.shrink_to_fit();
  people = PersonRecords{};
  // The records kept for cleaning, with the same model.
  QuarantinedRecords kept;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(kept, LoadQuarantinedRecords(*conn));
  }
  if (!kept.people.empty()) {
    ProgressBar kept_bar(progress, "kept rows", kept.people.size());
    const std::vector<MatchResult> kept_results =
        matcher.MatchAll(kept.people, [&](size_t done) { kept_bar.Update(done); });
    kept_bar.Finish();
    report.quarantined = kept.people.size();
    ASSIGN_OR_RETURN(report.quarantined_verified,
                     SaveQuarantineMatches(writer, reg, kept, kept_results));
  }
  RETURN_IF_ERROR(AuditVerification(writer, clock, actor, "identity.verify_all", report));
  return report;
}

Result<uint64_t> ExportIdentityCsv(storage::Connection& conn, std::ostream& out) {
  out << "record_id,status,matched_cccd,score,record\n";
  uint64_t written = 0;
  int64_t after = 0;
  std::string line;
  char score[32];
  auto write = [&](const std::string& record_id, const std::string& status,
                   const std::string& cccd, double probability, std::string_view kind) {
    line.clear();
    // The record id and the matched number come from imported files: text, neutralised.
    csv::AppendCsvText(line, record_id);
    line += ',';
    line += status;
    line += ',';
    csv::AppendCsvText(line, cccd);
    std::snprintf(score, sizeof score, ",%.4f,", probability);
    line += score;
    line += kind;
    line += '\n';
    out << line;
    ++written;
  };
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
      write(r.IsNull(1) ? std::to_string(r.Int(0)) : r.Text(1),
            r.IsNull(2) ? "unverified" : r.Text(2), r.IsNull(3) ? "" : r.Text(3),
            r.IsNull(4) ? 0.0 : r.Double(4), "recorded");
    }
    after += 20000;
  }
  // Records whose rows were all kept for cleaning: one line per record_id (or per row without
  // one), with the outcome of matching it (identity/quarantine_match.h).
  std::unordered_set<std::string> seen;
  for (int64_t after_row = 0;;) {
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        conn.Query("SELECT q.id, q.record_id, q.match_status, q.matched_cccd, q.match_score "
                   "FROM import_quarantine q WHERE q.id > $1 AND q.channel IN ('csv', 'file') "
                   "AND q.status <> 'released' AND NOT EXISTS (SELECT 1 FROM person_record_ids "
                   "m WHERE m.record_id = q.record_id AND q.record_id <> '') ORDER BY q.id "
                   "LIMIT 20000",
                   {after_row}));
    if (rows.empty()) break;
    for (const storage::Row& r : rows) {
      after_row = r.Int(0);
      std::string record_id = r.Text(1);
      if (record_id.empty()) record_id = "quarantine:" + std::to_string(r.Int(0));
      if (!seen.insert(record_id).second) continue;
      const std::string status = r.Text(2);
      write(record_id, status.empty() ? "unverified" : status, r.Text(3),
            r.IsNull(4) ? 0.0 : r.Double(4), "quarantined");
    }
  }
  return written;
}

}  // namespace vaxreg::identity
