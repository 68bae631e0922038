#pragma once
// The synthetic population of `vaxreg demo seed --people N --seed S`: realistic people (names
// drawn by the frequencies in data/demo_names.csv, valid CCCDs consistent with sex and birth
// year, real administrative units) with dose histories over 2021-2022 in Viet Nam's vaccine mix,
// given at one demo facility per district ("TTYT-<district code>"). Deterministic for a seed.
// Written through the group-commit writer in large chunks (registry::BulkLoader), generation of
// the next chunk overlapping the write of the previous one.

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/clock.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct PopulationOptions {
  int64_t people = 10000;
  uint64_t seed = 1;
  // People per write transaction. Large: each transaction writes every index page it touched
  // (CCCD and name indexes are filled in random order) to the WAL once, so fewer, larger ones
  // write far less (1,000,000 people: ~44 s at 100,000, ~58 s at 20,000; ~0.9 GB peak memory).
  size_t chunk = 100000;
  bool with_doses = true;  // false: people only (benchmarks record their doses through the API)
  // Called after each chunk with (people done, doses done).
  std::function<void(int64_t, int64_t)> progress;
  // PostgreSQL only, into a database without people (checked first): the whole population in one transaction, with
  // the secondary indexes and the unique and foreign-key constraints of people and doses dropped
  // first and built again at the end (a sorted build instead of one random B-tree insert per row
  // and index, and one join instead of a lookup per row for each foreign key). Other sessions
  // wait for the tables until it commits; a failure anywhere rolls everything back, the indexes
  // included. kFailedPrecondition on SQLite or when people is not empty.
  bool initial_load = false;
  // Called with a line when an initial load moves to its next stage (dropping, rebuilding).
  std::function<void(std::string_view)> stage;
};

struct PopulationReport {
  int64_t people = 0;
  int64_t doses = 0;
  int64_t facilities_created = 0;
};

// Creates the demo facilities that are missing (one active facility per district, plus
// HN-BACHMAI) and then the people. Audited with one row per call.
Result<PopulationReport> SeedPopulation(storage::Database& db, storage::GroupCommitWriter& writer,
                                        const Clock& clock, const PopulationOptions& options);

// Creates the demo facilities that are missing and the demo citizen's record (CCCD
// 001090012345, two doses); returns how many facilities were created.
Result<int64_t> SeedDemoFacilities(storage::GroupCommitWriter& writer, const Clock& clock);

}  // namespace vaxreg::app
