#pragma once
// The demo's vaccine supply: shipments to the national store and allocations down the chain
// (VN -> province -> facility) so that every holder's stock covers the doses the demo recorded,
// with some left over. Recorded as an operator and the authorities would (registry/supply.h:
// validated, audited), so GET /api/v1/stats/stock and /stats/supply show a plausible chain and no
// holder's available stock is negative. Idempotent: tops up only holders that have less than
// their margin (a facility 10% of what it used, at least 2 doses, or 500 at a facility with a
// demo staff account, which records doses while the demo runs; a province 5% of what its
// facilities were given; the national store 10% of what it sent, in whole boxes of 100). A
// facility with a demo staff account also holds a labelled lot (with an expiry date 180 days
// ahead) of each vaccine it stocks, shipped and allocated down the chain by lot, when it has
// fewer than 60 doses of one left. `vaxreg demo seed` and
// `vaxreg serve --demo` (at every start) call it after the demo's other data.

#include <cstdint>

#include "common/clock.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct DemoSupplyReport {
  int64_t shipments = 0, allocations = 0;
  int64_t doses_shipped = 0;
};

Result<DemoSupplyReport> SeedDemoSupply(storage::GroupCommitWriter& writer, const Clock& clock);

}  // namespace vaxreg::app
