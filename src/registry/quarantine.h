#pragma once
// The cleaning queue of imports: every row of a CSV upload or of `vaxreg import doses` that fails
// a check is kept here with its reason, in the same transaction as the rows recorded beside it,
// and routed to the health authority of the area of the facility it names (and shown to that
// facility). A handler fixes the row and releases it, when the same checks as any import then
// pass, or rejects it with a reason. Nothing a facility sent is dropped.
//
// A row refused because its sender may not write it (staff writing for another facility) is not
// kept: that refusal is the sender's to fix, and another facility's queue is no place for it.
// Live single-dose entry by staff still refuses at once with the same message.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "registry/actor.h"
#include "registry/dose_csv.h"
#include "storage/database.h"

namespace vaxreg::registry {

// A refused import row on its way to the queue.
struct QuarantineEntry {
  std::string channel;  // "csv" (API upload), "file" (vaxreg import doses) or "batch" (JSON item)
  std::string facility_code;  // the facility the row names ("" when the line could not be read)
  std::string row_province_code;  // the row's own province, used when the facility is unknown
  size_t line = 0;
  std::string record_id;
  char separator = ',';
  std::string row_text;  // the line as sent
  Status reason;
};

struct QuarantinedRow {
  int64_t id = 0;
  int64_t received_at = 0;
  std::string channel, submitted_by, facility_code;
  std::string province_code, district_code, commune_code;  // where it is routed
  int64_t line = 0;
  std::string record_id, separator, row_text;
  std::string reason_code, reason_field, reason_message;
  std::string status;  // open | released | rejected
  std::string handled_by;
  std::optional<int64_t> handled_at;
  std::string resolution;
  std::optional<int64_t> dose_id;
  bool fixed = false;  // released as corrected by the handler
  // The row's person matched against the population register (identity verification):
  // "" until matched, else verified | proposed | not_found.
  std::string match_status, matched_cccd;
  std::optional<double> match_score;
};

// Whether a refused row is kept for cleaning (see above: all but kPermissionDenied).
bool IsQuarantinable(const Status& reason);

// Stores `entries` inside the caller's write transaction, routed to the address of the facility
// each names (else the row's province, else the national queue), with one audit entry for them
// all. Returns their ids, in order.
Result<std::vector<int64_t>> QuarantineRows(storage::Connection& conn, const Clock& clock,
                                            std::span<const QuarantineEntry> entries,
                                            const Actor& actor);

// Refused items of the batch endpoint (channel "batch", row_text the item's JSON): as
// QuarantineRows, except that an item still open in the queue from the same facility with the
// same text (a client sending a batch again after a lost answer) is not queued a second time:
// its existing id is returned.
Result<std::vector<int64_t>> QuarantineBatchItems(storage::Connection& conn, const Clock& clock,
                                                  std::span<const QuarantineEntry> entries,
                                                  const Actor& actor);

struct QuarantineFilter {
  std::string status;         // "" any, else open | released | rejected
  std::string unit_code;      // "" everywhere; 2 (province), 3 (district) or 5 (commune) digits
  std::string facility_code;  // "" any
  int64_t after_id = 0;       // paging: ids greater than this, ascending
  int limit = 100;
};

Result<std::vector<QuarantinedRow>> ListQuarantine(storage::Connection& conn,
                                                   const QuarantineFilter& filter);
Result<std::optional<QuarantinedRow>> FindQuarantined(storage::Connection& conn, int64_t id);

// Ends an open row: "released" with the dose it became (`fixed` when the handler corrected it
// first), or "rejected" with the handler's reason. Audited. kFailedPrecondition when the row is
// no longer open (another handler, another server was first).
Status CloseQuarantined(storage::Connection& conn, const Clock& clock, int64_t id,
                        std::string_view status, std::string_view resolution,
                        std::optional<int64_t> dose_id, bool fixed, const Actor& actor);

// Keeps the refused rows of one import chunk: each error in `errors` that IsQuarantinable is
// stored and gets its quarantine_id (the others get 0). `rows` are the chunk's parsed rows (the
// facility and province a row names, found by line), `line_text` gives a line as sent, and
// `unread_facility` is the facility of a line that could not be read (an uploader's own, or "").
Status QuarantineRefusedRows(storage::Connection& conn, const Clock& clock,
                             std::string_view channel, char separator,
                             std::span<RowError* const> errors, std::span<const DoseCsvRow> rows,
                             const std::function<std::string(size_t line)>& line_text,
                             std::string_view unread_facility, const Actor& actor);

// The row as JSON for the API: every column, times as ISO 8601.
std::string QuarantinedRowJson(const QuarantinedRow& row);

}  // namespace vaxreg::registry
