#include "identity/verification.h"

#include <chrono>
#include <cstdio>
#include <string>

#include "identity/csv.h"
#include "identity/model_store.h"
#include "identity/population_store.h"
#include "identity/progress.h"

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
  RETURN_IF_ERROR(TrainAndSaveModel(matcher, people.people, writer, clock, actor, report).status());
  ProgressBar bar(progress, "verifying", people.people.size());
  std::vector<MatchResult> results =
      matcher.MatchAll(people.people, [&](size_t done) { bar.Update(done); });
  bar.Finish();
  RETURN_IF_ERROR(
      SaveMatchResults(writer, clock, reg, people, results, matcher.model(), report, progress));
  RETURN_IF_ERROR(AuditVerification(writer, clock, actor, "identity.verify_all", report));
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
      // The record id and the matched number come from imported files: text, neutralised.
      csv::AppendCsvText(line, r.IsNull(1) ? std::to_string(r.Int(0)) : r.Text(1));
      line += ',';
      line += r.IsNull(2) ? "unverified" : r.Text(2);
      line += ',';
      csv::AppendCsvText(line, r.IsNull(3) ? "" : r.Text(3));
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
