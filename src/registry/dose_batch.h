#pragma once
// Many doses in one write, one result per item; a refused item leaves nothing behind and the
// others are still recorded. Facility records without an override go through the CSV import's
// path (every item checked in memory like RecordDose, then inserted together, one audit row
// "dose.batch" per batch); a batch with an override or a self-declared dose runs RecordDose item
// by item, each in its own savepoint.

#include <vector>

#include "registry/dose_csv.h"
#include "registry/dose_service.h"

namespace vaxreg::registry {

inline constexpr size_t kMaxDoseBatch = 10000;

// Runs `item(conn, i)` for i in [0, n) each inside its own savepoint; an item's error rolls
// back only that item. Returns a non-OK Status only when the savepoint machinery itself fails
// (then the whole write must fail).
Status ForEachInSavepoint(storage::Connection& conn, size_t n,
                          const std::function<Status(storage::Connection&, size_t)>& item);

// A batch after the checks that need no database, made on the caller's thread so that the
// writer thread only does what needs the database.
struct PreparedDoseBatch {
  size_t items = 0;
  bool together = false;  // facility records without an override: the CSV import's path
  // together: the items that passed ValidateNewDose as rows (item_of_row maps back), and the
  // items refused by it.
  PreparedDoseRows rows;
  std::vector<size_t> item_of_row;
  std::vector<std::pair<size_t, Status>> refused;
  // !together: every item, recorded one by one.
  std::vector<NewDose> doses;
};

// kInvalidArgument (whole batch) over kMaxDoseBatch items. `today` is the clock's day (doses
// after it are refused).
Result<PreparedDoseBatch> PrepareDoseBatch(const std::vector<VaccineProduct>& catalogue,
                                           std::vector<NewDose> doses, const DoseWriter& writer,
                                           std::chrono::sys_days today);

// Records a prepared batch in the write that `conn` is in; results[i] is item i's outcome.
Result<std::vector<Result<RecordOutcome>>> RecordPreparedDoseBatch(
    storage::Connection& conn, const Clock& clock, const std::vector<VaccineProduct>& catalogue,
    const PreparedDoseBatch& batch, const DoseWriter& writer);

// PrepareDoseBatch and RecordPreparedDoseBatch in one call.
Result<std::vector<Result<RecordOutcome>>> RecordDoseBatch(
    storage::Connection& conn, const Clock& clock, const std::vector<VaccineProduct>& catalogue,
    const std::vector<NewDose>& doses, const DoseWriter& writer);

}  // namespace vaxreg::registry
