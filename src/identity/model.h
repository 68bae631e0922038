#pragma once
// Fellegi-Sunter model: for every field and agreement level, m = P(level | the pair is one
// person) and u = P(level | two different persons). A pair's match weight is the sum over
// non-null fields of log2(m/u); its match probability adds the prior odds lambda/(1-lambda).
// u is estimated from random pairs (almost all non-matches); m and lambda by expectation-
// maximisation over the comparison vectors of blocked candidate pairs (inside EM the non-match
// distribution of those pairs is re-estimated as well; the weights keep the random-pair u).
// Thread-compatible: estimate once, then read from any number of threads.

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "identity/compare.h"

namespace vaxreg::identity {

using LevelTable = std::array<std::array<double, kMaxLevels>, kNumFields>;

// Distinct comparison vectors with how often each occurred.
using PatternCounts = std::map<std::array<int8_t, kNumFields>, uint64_t>;

struct EmReport {
  int iterations = 0;
  double lambda = 0;
  double last_change = 0;  // largest change of any m in the last iteration
  bool converged = false;  // stopped because no m moved by more than the tolerance
};

class FsModel {
 public:
  // Uninformed starting values: m favours agreement, u is uniform over levels.
  FsModel();

  // u from the comparison vectors of random pairs; a level never seen gets half a pair's worth.
  void SetUFromRandomPairs(const PatternCounts& random_pairs);
  // EM over blocked candidate pairs, starting from the current m, the random-pair u and
  // lambda 0.1; stops after max_iterations or when no m moves by more than tolerance. Keeps
  // the non-match distribution it estimated for blocked pairs, which MatchProbability uses.
  EmReport EstimateM(const PatternCounts& candidate_pairs, int max_iterations = 200,
                     double tolerance = 1e-5);

  double m(Field f, int level) const { return m_[f][static_cast<size_t>(level)]; }
  double u(Field f, int level) const { return u_[f][static_cast<size_t>(level)]; }
  double lambda() const { return lambda_; }
  // log2(m/u) for one field's level; 0 for kNull.
  double FieldWeight(Field f, int8_t level) const {
    return level == kNull ? 0.0 : w_[f][static_cast<size_t>(level)];
  }
  double Weight(const Comparison& c) const;
  // 1 / (1 + 2^-(weight + log2(lambda / (1 - lambda)))).
  double Probability(double weight) const;
  // The calibrated probability that a blocked candidate pair with comparison `c` is one person:
  // lambda m(c) / (lambda m(c) + (1 - lambda) ub(c)), where ub is the non-match distribution
  // of blocked pairs that EM estimated (lambda is the share of matches among blocked pairs, so
  // both sides of the ratio describe the same population of pairs). Weight() uses the random-
  // pair u, which makes a shared birth date and commune look like strong evidence; among
  // candidates that share them by construction they are weak, and a stranger who shares them
  // with different names no longer scores near 1. A model read from JSON without ub (written
  // before it was kept) falls back to Probability(Weight(c)).
  double MatchProbability(const Comparison& c) const;
  bool has_blocked_u() const { return has_blocked_u_; }

  // Human-readable table of m, u and weights (for logs and the benchmark).
  std::string Describe() const;

  // The estimated parameters as JSON, for keeping a trained model between runs:
  //   {"format":1,"lambda":0.0123,"fields":{"id":{"m":[...],"u":[...],"ub":[...]},...}}
  // with one m, one u and (when estimated) one blocked-pair u per level of each field
  // (compare.h). Doubles are written in their
  // shortest round-trip form (they read back to within one unit in the last place); the weights
  // are derived again on reading.
  std::string ToJson() const;
  // Reads ToJson()'s output. kInvalidArgument for malformed JSON, another format, a missing or
  // unknown field, a wrong number of levels, or a probability outside (0, 1].
  static Result<FsModel> FromJson(std::string_view json);

 private:
  void UpdateWeights();
  LevelTable m_{}, u_{}, w_{};
  LevelTable ub_{};  // non-match distribution of blocked pairs (EM), when has_blocked_u_
  bool has_blocked_u_ = false;
  double lambda_ = 0.01;
};

}  // namespace vaxreg::identity
