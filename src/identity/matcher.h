#pragma once
// Verification of person records against the population register:
//   1. a record whose CCCD is in the register with a consistent name (at most one typo) and
//      birth date (equal, day/month swapped, year only or one digit off) is verified at once;
//   2. otherwise the record is compared with every register entry that shares a blocking key
//      (identity/blocking.h) and scored with the Fellegi-Sunter model (identity/model.h). The
//      best candidate is verified when its match weight reaches verify_weight, beats the
//      runner-up by margin, its probability reaches verify_probability and MayVerify() holds; proposed as a correction when it reaches
//      propose_weight (or would be verified but for MayVerify), and the record is not found
//      otherwise. The probability reported is FsModel::MatchProbability, calibrated over
//      blocked pairs.
// Train() estimates the model from the records themselves (u from random pairs, m and lambda by
// EM over blocked pairs of a sample of records).
// Thread-safe after Train(): Match() may be called from many threads.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "identity/blocking.h"
#include "identity/model.h"
#include "identity/person.h"

namespace vaxreg::identity {

enum class MatchStatus : uint8_t { kVerified, kProposed, kNotFound };
std::string_view MatchStatusName(MatchStatus s);  // "verified", "proposed_correction", "not_found"

struct MatchOptions {
  double verify_weight = 18.0;   // upper threshold on the match weight (log2 units)
  double propose_weight = 6.0;   // lower threshold
  double margin = 4.0;           // verified also needs best - runner-up >= margin
  // Verified also needs this calibrated match probability: a pattern that blocked strangers
  // share often enough (the same name and birth date in another province, when people move)
  // goes to review, however high its weight.
  double verify_probability = 0.9;
  size_t max_block = 150;        // name/date blocks larger than this are skipped
  int threads = 0;               // 0 = one per core
  size_t em_sample = 50000;      // records whose candidate pairs train m
  int em_max_iterations = 200;   // EM stops here if it has not converged (see model_store.h)
  size_t u_pairs = 1000000;      // random pairs that estimate u
  uint64_t seed = 20210601;
};

// Kept small (28 bytes): one per record, 1e7 of them in a national run.
struct MatchResult {
  MatchStatus status = MatchStatus::kNotFound;
  Comparison comparison;       // record vs. best candidate
  int32_t candidate = -1;      // register index of the best candidate, -1 if none
  float weight = 0;            // its match weight
  float probability = 0;       // its match probability
  float runner_up = -1e9f;     // the second-best weight (-1e9 if none)
  uint32_t candidates = 0;     // how many register entries were scored
};

class Matcher {
 public:
  Matcher(std::span<const Person> register_people, MatchOptions options);

  EmReport Train(std::span<const Person> records);
  MatchResult Match(const Person& record, std::vector<uint32_t>& scratch) const;
  // Matches every record using options.threads threads; `progress(done)` is called from one
  // thread now and then and at the end.
  std::vector<MatchResult> MatchAll(std::span<const Person> records,
                                    const std::function<void(size_t)>& progress = {}) const;

  const FsModel& model() const { return model_; }
  FsModel& mutable_model() { return model_; }
  // Replaces the decision thresholds (verify_weight, propose_weight, margin) with those of
  // `thresholds`, e.g. the ones a stored model was run with; the index is unaffected.
  void SetThresholds(const MatchOptions& thresholds);
  const BlockingIndex& index() const { return index_; }
  const MatchOptions& options() const { return options_; }
  int threads() const;

 private:
  std::span<const Person> register_;
  MatchOptions options_;
  BlockingIndex index_;
  FsModel model_;
};

// Whether the evidence of `c` is of the kind a stranger cannot share: names that agree closely
// (name level 0-2: same key, reordered, middle dropped or family/given swapped; or level 3-4,
// one typo or Jaro-Winkler >= 0.90, with the same given name, `given_names_agree`:
// GivenNamesAgree) together with a birth date that agrees or is a slip away (dob level 0-3);
// or an identity number that
// agrees, with a birth date consistent with it (or none) and names not far apart (level 0-3, or
// Jaro-Winkler >= 0.80 with the same given name). A shared birth date, sex and commune with
// different names is how a neighbour, a relative or a namesake looks; so is a shared family and
// middle name ("Nguyễn Thị ...") with another given name, a common name without a birth date,
// and a relative's CCCD written on the record. Another middle name or names only alike (level
// 2, 4 or 5) together with a birth date one digit off (level 3) is never enough, with or
// without a number: a sibling looks like that.
// Such a candidate is at most proposed for review.
bool MayVerify(const Comparison& c, bool given_names_agree);

// Whether a record with this comparison against the register entry holding its CCCD counts as
// an exact-CCCD verification (name at most one edit apart, birth date consistent or missing,
// not both another middle name and a birth date one digit off).
bool ConsistentWithCccd(const Comparison& c);

}  // namespace vaxreg::identity
