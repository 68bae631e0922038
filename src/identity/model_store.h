#pragma once
// The trained Fellegi-Sunter model kept in the database (table identity_models, migration 7),
// so that records can be verified batch by batch with the model of the last full run instead of
// estimating one each time. The newest row is the model in use; older rows are kept as history.
// Functions take a connection: SaveModel runs inside the caller's write (group-commit writer),
// the others on any reading connection. Thread-compatible.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "identity/matcher.h"
#include "identity/model.h"
#include "identity/result_store.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::identity {

struct StoredModel {
  int64_t id = 0;
  FsModel model;
  // The decision thresholds the model was run with (MatchOptions).
  double verify_weight = 0, propose_weight = 0, margin = 0;
  uint64_t register_entries = 0, people = 0;  // sizes it was estimated from
};

// Appends `model` with the thresholds of `options`; returns the new row's id.
Result<int64_t> SaveModel(storage::Connection& conn, const Clock& clock, const FsModel& model,
                          const MatchOptions& options, uint64_t register_entries,
                          uint64_t people, const std::string& actor);

// Estimates the matcher's model from `records` (Matcher::Train) and stores it, with the
// matcher's thresholds and report.register_entries, through the writer. Sets report.em,
// report.model and report.model_trained; returns the stored row's id. When EM does not converge
// and a model is stored, the matcher takes the stored model instead (report.model_fallback_id,
// report.warning; nothing is stored); with no stored model the estimate is used and stored, with
// a warning.
Result<int64_t> TrainAndSaveModel(Matcher& matcher, std::span<const Person> records,
                                  storage::Database& db, storage::GroupCommitWriter& writer,
                                  const Clock& clock,
                                  const std::string& actor, VerifyReport& report);

// The newest stored model, nullopt when none was stored. kInvalidArgument if its JSON cannot be
// read (identity::FsModel::FromJson).
Result<std::optional<StoredModel>> LoadLatestModel(storage::Connection& conn);

// The id of the newest stored model, 0 when none: a cheap check whether a model changed.
Result<int64_t> LatestModelId(storage::Connection& conn);

}  // namespace vaxreg::identity
