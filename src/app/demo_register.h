#pragma once
// The demo's national population register: a snapshot written from the demo people as the
// register would hold them (about 2% with day and month of birth swapped, 1% with a name spelt
// differently, 2% of the people absent) plus one resident without any record for every eight
// people (so coverage over the register stays below 100%), imported as `vaxreg import population` would, then every
// record verified against it (the matcher accepts those small differences; the absent people are
// "not found"). Idempotent: nothing happens when the register has rows.

#include <cstdint>
#include <filesystem>

#include "common/clock.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct DemoRegisterReport {
  int64_t register_rows = 0;
  int64_t verified = 0, proposed = 0, not_found = 0;
};

// `work_dir` holds the snapshot file while it is imported.
Result<DemoRegisterReport> SeedDemoRegister(storage::Database& db,
                                            storage::GroupCommitWriter& writer, const Clock& clock,
                                            const std::filesystem::path& work_dir);

}  // namespace vaxreg::app
