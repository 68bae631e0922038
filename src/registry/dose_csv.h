#pragma once
// The people-with-doses CSV (DESIGN.md, a stable import format), one row per dose:
//   record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,
//   dose_number,date,facility_code
// Rows with the same record_id are one person as recorded by the source. date is YYYY-MM-DD or
// DD/MM/YYYY (taken as 09:00 Viet Nam time) or an ISO 8601 date-time. Columns are separated by
// ',' or ';' (as the header line shows; a UTF-8 byte order mark is skipped). Fields may be
// double-quoted ("" is a quote inside); a quoted field cannot span lines.
//
// Import: every row is checked before anything is written (PrepareDoseRows, then
// ImportDoseRows), so a bad row is reported with its line number and the good rows are kept. A
// row's person is found by CCCD, else by the record_id of an earlier row of the same import, else
// created from the row.
//
// Field limits: a CSV row passes the same validators as the API's writes, so that nothing the API
// refuses enters through a file. The dose columns go through ValidateNewDose (vaccine, dose
// number, date, lot length, facility required) and the person columns of every row through
// ValidateNewPerson (name, birth date, sex, CCCD, phone, address codes), whether or not the
// person already exists; record_id, which only a CSV has, is at most kMaxRecordIdBytes.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "registry/dose_service.h"

namespace vaxreg::registry {

inline constexpr std::string_view kDoseCsvHeader =
    "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,"
    "dose_number,date,facility_code";

// The longest record_id a row may carry (bytes).
inline constexpr size_t kMaxRecordIdBytes = 64;

struct DoseCsvRow {
  size_t line = 0;  // 1-based line number in the file (the header is line 1)
  std::string record_id, cccd, full_name, dob, sex, phone, province_code, district_code,
      commune_code, vaccine, lot;
  int dose_number = 0;
  int64_t administered_at = 0;
  std::string facility_code;
  // Set by the batch endpoint, empty in a CSV: the person by id (no person columns then), the
  // vaccinator and the idempotency key.
  int64_t person_id = 0;
  std::string vaccinator, idempotency_key;
  // Set by a quarantine release, empty in a CSV: a health authority's reason to accept a
  // continuity conflict (the sequence check is then skipped, as for RecordDose; the date check
  // never is). The caller checks that the writer may override.
  std::string override_reason;
  // Set when the rows of one import come from different writers (single-dose requests written
  // together, registry/dose_group.h): this row's writer, instead of the one ImportDoseRows gets.
  const DoseWriter* writer = nullptr;
};

struct RowError {
  size_t line = 0;
  std::string record_id;
  Status status;
  int64_t quarantine_id = 0;  // the row kept for cleaning (registry/quarantine.h), 0 if not kept
};

// The refused rows of one import, in bounded memory however many rows are refused: the first
// `max_listed` in full, in the order they were added, and a count of every refused row by error
// code and field. Thread-compatible.
class RowErrorSummary {
 public:
  static constexpr size_t kDefaultMaxListed = 10000;
  using Reason = std::pair<StatusCode, std::string>;  // code, field ("" when none)

  explicit RowErrorSummary(size_t max_listed = kDefaultMaxListed) : max_listed_(max_listed) {}

  void Add(RowError e);

  const std::vector<RowError>& listed() const { return listed_; }
  size_t total() const { return total_; }
  // Whether some refused rows are only counted, not listed.
  bool truncated() const { return total_ > listed_.size(); }
  const std::map<Reason, size_t>& counts() const { return counts_; }

 private:
  size_t max_listed_;
  size_t total_ = 0;
  std::vector<RowError> listed_;
  std::map<Reason, size_t> counts_;
};

// Sorts `errors` by line (stable: the errors of one line keep their order).
void SortRowErrors(std::vector<RowError>& errors);

// How a file writes its rows, as its header line shows.
struct DoseCsvDialect {
  char separator = ',';  // ',' or ';' (what Excel writes where ',' is the decimal mark)
};

// Reads the header line: the column names above in that order, compared ignoring case and
// surrounding blanks, separated by ',' or ';'; a UTF-8 byte order mark and a trailing '\r' are
// ignored. kInvalidArgument naming the expected header otherwise.
Result<DoseCsvDialect> ReadDoseCsvHeader(std::string_view line);

// Splits one CSV line into fields. kInvalidArgument for an unterminated quote.
Result<std::vector<std::string>> SplitCsvLine(std::string_view line, char separator = ',');

// Parses one data line (without its newline), as people's spreadsheets write them: blanks
// around fields ignored; cccd and phone with spaces, dots or hyphens between the digits; dob
// and date also as DD/MM/YYYY. kInvalidArgument naming the column at fault (also for a
// record_id longer than kMaxRecordIdBytes). The vaccine is resolved later (PrepareDoseRows), by
// any name ResolveVaccineName understands.
Result<DoseCsvRow> ParseDoseCsvLine(std::string_view line, size_t line_number,
                                    DoseCsvDialect dialect = {});

// Persons created or found so far in one import, by record_id.
using RecordPeople = std::unordered_map<std::string, int64_t>;

// A chunk of rows with the checks that need no database already made, so that the one writer
// thread does only what needs it. Built by PrepareDoseRows on the caller's thread.
struct PreparedDoseRows {
  std::vector<DoseCsvRow> rows;
  std::chrono::sys_days today{};  // the day birth dates were checked against
  // Per row: OK, or why the row is refused whatever the database holds: for a CSV row what
  // ValidateNewDose or ValidateNewPerson refuses, for a batch item an unknown vaccine or a dose
  // number out of range.
  std::vector<Status> refusal;
  // Per row: the key that groups the rows of one person ("p:" person id, "c:" CCCD, or "r:"
  // record_id for people without a CCCD), built here so the writer does not build it again.
  std::vector<std::string> person_key;
  // Per row: for the first acceptable row of each person not named by id, that row's person data
  // validated (ValidateNewPerson); nullopt for the other rows.
  std::vector<std::optional<Result<Person>>> new_person;
};

PreparedDoseRows PrepareDoseRows(std::vector<DoseCsvRow> rows,
                                 const std::vector<VaccineProduct>& catalogue,
                                 std::chrono::sys_days today);

// Imports prepared rows inside the caller's write. Every row gets the checks of RecordDose
// (vaccine, facility active and writable by `writer`, dates, continuity against the person's
// history and the rows before it) and a refused row is appended to `errors`; the people and
// idempotency keys the rows name are looked up with a few batched queries, the accepted rows are
// inserted together (registry::BulkLoader: multi-row INSERTs, counters added once) and the chunk
// is audited with one row ("import.doses": rows, recorded, dose id range, SHA-256 of the
// accepted rows). Returns how many rows were recorded; a non-OK Status only if the transaction
// failed.
// A row with an idempotency key that was used before (in the database or earlier in `rows`) for
// the same dose is not inserted again: its outcome is the original dose, replayed.
// `outcomes`, when given, receives one entry per row (nullopt for a refused row);
// `created_people`, when given, gets the ids of the persons this call created appended (for
// identity verification of new records).
// With `audit_action` kAuditEachDose every recorded dose gets its own audit row, as RecordDose
// writes it (actor and request of the row's writer), instead of one row for the chunk.
inline constexpr std::string_view kAuditEachDose = "dose.record";
Result<size_t> ImportDoseRows(storage::Connection& conn, const Clock& clock,
                              const std::vector<VaccineProduct>& catalogue,
                              const PreparedDoseRows& prepared, const DoseWriter& writer,
                              RecordPeople& people, std::vector<RowError>& errors,
                              std::vector<std::optional<RecordOutcome>>* outcomes = nullptr,
                              std::string_view audit_action = "import.doses",
                              std::vector<int64_t>* created_people = nullptr);

}  // namespace vaxreg::registry
