#pragma once
// Duplicates inside the registry: person records (table people) that are likely one citizen,
// for example one registered with a CCCD at a facility and one with only a phone number at a
// pre-registration. Found pairs become merge proposals (table merge_proposals) for the health
// authorities' review queue (identity/merge.h).
//
// A pair is proposed when it shares a blocking key and passes the rule of that key:
//   same_cmnd            the same CMND                                             score 0.99
//                        (0.75 when the names are not compatible)
//   same_register_entry  both records matched one population-register entry      score 0.95
//                        (identity_results.register_id)
//   same_phone           the same phone number (digits; +84 read as 0), a compatible name and
//                        a compatible birth date                                  score 0.90
//   same_name_dob_commune  the same name key (text::NameKey), full birth date and commune
//                                                                                  score 0.85
// (CCCDs are unique in people, so two records never share one.) Names are compatible when their
// keys are at most one edit apart or have the same family and given name (identity/compare.h
// name levels 0-3); birth dates when equal, day and month swapped, or one side has the year only
// and it agrees (dob levels 0-2). Never proposed: two records with different CCCDs, or with
// different CMNDs (different citizens), or, for the phone and name rules, of different sex.
// Several reasons for one pair combine as 1 - prod(1 - score).
//
// Survivor: the record that is verified against the register, else the one with a CCCD, else with
// a CMND, else the older (lower id); the other is the duplicate.
//
// Cost: linear in the number of records. Every record goes into at most four blocks (hash maps);
// pairs are formed only inside a block, and phone and name blocks with more than max_block
// records (a facility's phone typed for a whole queue) are skipped and counted.
//
// Idempotent: a pair that has any proposal already (open, merged, rejected or undone) is not
// proposed again, and records already merged into another are left out.
// Thread-compatible.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::identity {

struct DuplicateOptions {
  size_t max_block = 50;
  size_t write_batch = 1000;  // proposals per write transaction
};

// One person record as detection sees it.
struct DuplicateRecord {
  int64_t id = 0;
  std::string cccd, cmnd, phone, full_name, dob, sex, commune_code, identity_status;
  int64_t register_id = 0;  // 0 when not matched to a register entry
};

struct DuplicateCandidate {
  int64_t survivor_id = 0, duplicate_id = 0;
  double score = 0;
  std::vector<std::string> reasons;
  int name_level = -1, dob_level = -1;  // identity/compare.h levels; -1 missing
  // {"reasons":["same_phone"],"name_level":0,"dob_level":0}
  std::string ReasonsJson() const;
};

// The phone number as digits with a leading 0 ("+84 912 345 678" -> "0912345678",
// "912345678" -> "0912345678"); "" when that leaves fewer than 10 digits.
std::string NormalisePhone(std::string_view phone);

// The candidate pairs among `records` (pure; ordered by survivor id, then duplicate id).
// `skipped_blocks` (optional) receives the number of blocks skipped for their size.
std::vector<DuplicateCandidate> FindDuplicateCandidates(const std::vector<DuplicateRecord>& records,
                                                        const DuplicateOptions& options,
                                                        uint64_t* skipped_blocks = nullptr);

struct DetectReport {
  uint64_t people = 0;          // records examined (not merged)
  uint64_t candidates = 0;      // pairs found
  uint64_t proposed = 0;        // new proposals written
  uint64_t known = 0;           // pairs that had a proposal already
  uint64_t skipped_blocks = 0;  // blocks above max_block
};

// Reads every unmerged person record, finds candidates and writes the new proposals through the
// group-commit writer; audited (action identity.duplicates.detect).
Result<DetectReport> DetectDuplicates(storage::Database& db, storage::GroupCommitWriter& writer,
                                      const Clock& clock, const DuplicateOptions& options,
                                      const std::string& actor, std::ostream* progress);

}  // namespace vaxreg::identity
