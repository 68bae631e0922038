#include "identity/quarantine_match.h"

#include <unordered_set>

#include "identity/file_match.h"
#include "registry/dose_csv.h"

namespace vaxreg::identity {
namespace {

constexpr size_t kWriteBatch = 2000;

}  // namespace

Result<QuarantinedRecords> LoadQuarantinedRecords(storage::Connection& conn) {
  QuarantinedRecords out;
  std::unordered_set<std::string> seen;
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        conn.Query("SELECT q.id, q.record_id, q.row_text, q.separator, q.line FROM "
                   "import_quarantine q WHERE q.id > $1 AND q.channel IN ('csv', 'file') AND "
                   "q.status <> 'released' AND NOT EXISTS (SELECT 1 FROM person_record_ids m "
                   "WHERE m.record_id = q.record_id AND q.record_id <> '') ORDER BY q.id "
                   "LIMIT 20000",
                   {after}));
    if (rows.empty()) break;
    for (const storage::Row& r : rows) {
      after = r.Int(0);
      const std::string record_id = r.Text(1);
      if (!record_id.empty() && seen.contains(record_id)) continue;
      registry::DoseCsvDialect dialect;
      if (r.Text(3) == ";") dialect.separator = ';';
      auto row = registry::ParseDoseCsvLine(r.Text(2), static_cast<size_t>(r.Int(4)), dialect);
      if (!row.ok()) continue;  // an unreadable line: a later row of the record may do
      if (!record_id.empty()) seen.insert(record_id);
      out.record_ids.push_back(record_id);
      out.row_ids.push_back(r.Int(0));
      out.people.push_back(PersonFromFields(row->cccd, "", row->full_name, row->dob, row->sex,
                                            row->province_code, row->district_code,
                                            row->commune_code));
    }
  }
  return out;
}

Result<uint64_t> SaveQuarantineMatches(storage::GroupCommitWriter& writer,
                                       const LoadedRegister& reg,
                                       const QuarantinedRecords& records,
                                       std::span<const MatchResult> results) {
  uint64_t verified = 0;
  for (size_t start = 0; start < results.size(); start += kWriteBatch) {
    const size_t end = std::min(results.size(), start + kWriteBatch);
    const Status written = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
      for (size_t i = start; i < end; ++i) {
        const MatchResult& r = results[i];
        const bool linked = r.status != MatchStatus::kNotFound && r.candidate >= 0;
        const std::string cccd =
            linked ? RegisterNumber(reg.people[static_cast<size_t>(r.candidate)]) : "";
        const storage::Value score =
            r.candidate >= 0 ? storage::Value(static_cast<double>(r.probability))
                             : storage::Value(0.0);
        const std::string status(MatchStatusName(r.status));
        if (records.record_ids[i].empty()) {
          RETURN_IF_ERROR(c.Execute("UPDATE import_quarantine SET match_status = $1, "
                                    "matched_cccd = $2, match_score = $3 WHERE id = $4",
                                    {status, cccd, score, records.row_ids[i]})
                              .status());
        } else {
          RETURN_IF_ERROR(c.Execute("UPDATE import_quarantine SET match_status = $1, "
                                    "matched_cccd = $2, match_score = $3 WHERE record_id = $4 "
                                    "AND channel IN ('csv', 'file')",
                                    {status, cccd, score, records.record_ids[i]})
                              .status());
        }
      }
      return Status::Ok();
    });
    RETURN_IF_ERROR(written);
  }
  for (const MatchResult& r : results) verified += r.status == MatchStatus::kVerified;
  return verified;
}

}  // namespace vaxreg::identity
