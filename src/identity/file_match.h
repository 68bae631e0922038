#pragma once
// The whole verification pipeline from files, for batch runs and outside evaluation:
// population-register CSV (`cccd,cmnd,full_name,dob,sex,province_code,district_code,
// commune_code`) and people-with-doses CSV (`record_id,cccd,full_name,dob,sex,phone,
// province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code`, one row
// per dose; rows sharing a record_id are one person) in; the export CSV
// (`record_id,status,matched_cccd,score`, one row per record_id in first-seen order) out.
// Thread-compatible; uses MatchOptions::threads threads while matching.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "identity/matcher.h"
#include "identity/person.h"

namespace vaxreg::identity {

struct RecordSet {
  std::vector<std::string> ids;  // record_id, first-seen order
  std::vector<Person> people;    // parallel to ids
  uint64_t rows = 0;             // dose rows read
};

// Person fields of one CSV row (register or record), parsed leniently (identity/person.h).
Person PersonFromFields(std::string_view id_number, std::string_view cmnd, std::string_view name,
                        std::string_view dob, std::string_view sex, std::string_view province,
                        std::string_view district, std::string_view commune);

// Loads a register CSV. Rows without any usable identity number are counted in `skipped`.
Result<std::vector<Person>> LoadRegisterCsv(const std::string& path, std::ostream* progress,
                                            uint64_t* skipped);
// Loads a people-with-doses CSV, one Person per record_id; a field missing on a record's first
// row is taken from a later row that has it.
Result<RecordSet> LoadRecordsCsv(const std::string& path, std::ostream* progress);

// The number a matched register entry is known by in the export: its CCCD, else its CMND.
std::string RegisterNumber(const Person& entry);

// Writes the export CSV.
Status WriteExportCsv(const std::string& path, const std::vector<std::string>& ids,
                      const std::vector<MatchResult>& results, const std::vector<Person>& reg);

struct FileMatchReport {
  uint64_t register_entries = 0, register_skipped = 0, record_rows = 0, records = 0;
  uint64_t verified = 0, proposed = 0, not_found = 0;
  double load_seconds = 0, train_seconds = 0, match_seconds = 0, write_seconds = 0;
  EmReport em;
  std::string model;  // FsModel::Describe()
};

// Loads both files, trains the model on the records, matches every record and writes `out`.
// Progress bars go to `progress` (null for none).
Result<FileMatchReport> RunFileMatch(const std::string& register_path,
                                     const std::string& records_path, const std::string& out_path,
                                     const MatchOptions& options, std::ostream* progress);

}  // namespace vaxreg::identity
