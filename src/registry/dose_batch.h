#pragma once
// Many doses in one write, one result per item; a refused item leaves nothing behind and the
// others are still recorded. Facility records without an override go through the CSV import's
// path (every item checked in memory like RecordDose, then inserted together, one audit row
// "dose.batch" per batch); a batch with an override or a self-declared dose runs RecordDose item
// by item, each in its own savepoint.

#include <vector>

#include "registry/dose_service.h"

namespace vaxreg::registry {

inline constexpr size_t kMaxDoseBatch = 10000;

// Runs `item(conn, i)` for i in [0, n) each inside its own savepoint; an item's error rolls
// back only that item. Returns a non-OK Status only when the savepoint machinery itself fails
// (then the whole write must fail).
Status ForEachInSavepoint(storage::Connection& conn, size_t n,
                          const std::function<Status(storage::Connection&, size_t)>& item);

// Records every dose; results[i] is item i's outcome. kInvalidArgument (whole batch) over
// kMaxDoseBatch items.
Result<std::vector<Result<RecordOutcome>>> RecordDoseBatch(
    storage::Connection& conn, const Clock& clock, const std::vector<VaccineProduct>& catalogue,
    const std::vector<NewDose>& doses, const DoseWriter& writer);

}  // namespace vaxreg::registry
