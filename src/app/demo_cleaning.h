#pragma once
// Data cleaning for the demo, so the cleaning queue and the duplicate review have something to
// show: a file from Bệnh viện Bạch Mai whose rows fail the import's checks (an unknown vaccine,
// a second dose 1, the demo citizen's CCCD on a stranger's name, a date in the future), run
// through the real import so they are kept with their reasons; and second records of two Hà Nội
// people (one without a CCCD sharing the phone, one with only an old CMND) that duplicate
// detection proposes for merging. Idempotent: each part does nothing when its table has rows.

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct DemoCleaning {
  int rows_kept = 0;         // rows the demo import kept for cleaning
  uint64_t merge_proposals = 0;
};

Result<DemoCleaning> SeedDemoCleaning(storage::Database& db, storage::GroupCommitWriter& writer,
                                      const Clock& clock);

}  // namespace vaxreg::app
