#pragma once
// Correction requests for the demo, so every queue has something to show: the demo citizen's
// own requests (a self-declared booster and a wrong lot, waiting at HN-BACHMAI, with a photo),
// and requests about synthetic people waiting at their commune, overdue at the province after
// escalation, and decided (approved in time, rejected with a standard reason). Idempotent: does
// nothing when the database has any correction request.

#include <filesystem>

#include "common/clock.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

// Returns how many requests were created. The photo goes to `photo_dir`.
Result<int> SeedDemoCorrections(storage::Database& db, storage::GroupCommitWriter& writer,
                                const Clock& clock, const std::filesystem::path& photo_dir);

}  // namespace vaxreg::app
