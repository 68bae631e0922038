#pragma once
// Verification of chosen person records (new ones: created through the API, by an import)
// against the population register, with the stored model (model_store.h) instead of a model
// estimated for the run. Outcomes are stored exactly as the bulk run stores them
// (result_store.h).
//
// IncrementalVerifier keeps the register in memory as a Matcher (the register's people and their
// blocking index), because loading it (a scan of population_register and building the index) is
// what costs; matching a batch of new records against it is cheap. Before each batch two small
// queries check whether a population snapshot finished importing or a newer model was stored
// since the last load; the register is then loaded again, or the new model taken. When no model
// is stored yet, one is estimated from the register and every existing person record (as
// `identity verify --all` does) and stored. While the register is empty nothing is verified:
// the records keep identity_status 'unverified' and Verify() reports register_entries == 0.
//
// Memory: about 64 bytes per register entry for the Person, 8 for its id and 12 per blocking
// key (about ten keys per entry): roughly 200 bytes per entry, 2 GB for 1e7 entries.
// Thread-compatible: one thread at a time calls Verify() (the server's background verifier, or a
// CLI command). The database, writer and clock must outlive the verifier.

#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "identity/matcher.h"
#include "identity/population_store.h"
#include "identity/result_store.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::identity {

class IncrementalVerifier final {
 public:
  // `options` gives the index (max_block), matching threads and, for a model estimated here,
  // the training sample and thresholds; a stored model brings its own thresholds. `actor` is the
  // audit actor of every batch (action identity.verify).
  IncrementalVerifier(storage::Database& db, storage::GroupCommitWriter& writer,
                      const Clock& clock, MatchOptions options, std::string actor);
  ~IncrementalVerifier();

  // Loads (or reloads) the register and the model if needed, then matches the records with
  // these person ids (unknown ids are skipped) and stores their outcomes. Progress on `progress`
  // when not null. Database and writer errors are returned; the records not yet stored stay as
  // they were.
  Result<VerifyReport> Verify(std::span<const int64_t> person_ids, std::ostream* progress);

  // Forgets the loaded register, so the next Verify() loads it again (e.g. after this process
  // imported a snapshot; snapshots imported elsewhere are noticed on their own).
  void Invalidate();

  // Register entries held in memory (0 before the first load or while the register is empty)
  // and an estimate of the memory they take.
  size_t register_entries() const { return register_.people.size(); }
  size_t memory_bytes() const;

 private:
  // Brings the register and the model up to date; sets report.model_trained (and em, model)
  // when a model was estimated.
  Status Refresh(VerifyReport& report, std::ostream* progress);

  storage::Database& db_;
  storage::GroupCommitWriter& writer_;
  const Clock& clock_;
  MatchOptions options_;
  std::string actor_;
  bool loaded_ = false;
  int64_t snapshot_id_ = 0;  // the newest finished snapshot when the register was loaded
  int64_t model_id_ = 0;     // the stored model in use, 0 for none
  LoadedRegister register_;
  std::unique_ptr<Matcher> matcher_;  // null while the register is empty
};

// One batch with a verifier of its own: loads the register, verifies `person_ids`, drops it.
Result<VerifyReport> VerifyPeople(storage::Database& db, storage::GroupCommitWriter& writer,
                                  const Clock& clock, const MatchOptions& options,
                                  std::span<const int64_t> person_ids, const std::string& actor,
                                  std::ostream* progress);

}  // namespace vaxreg::identity
