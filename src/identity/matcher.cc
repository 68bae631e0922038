#include "identity/matcher.h"

#include <algorithm>
#include <random>
#include <thread>

namespace vaxreg::identity {
namespace {

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

std::string_view MatchStatusName(MatchStatus s) {
  switch (s) {
    case MatchStatus::kVerified: return "verified";
    case MatchStatus::kProposed: return "proposed_correction";
    case MatchStatus::kNotFound: return "not_found";
  }
  return "not_found";
}

namespace {

// Another middle name (or none), or names only alike, together with a birth date one digit
// off: each alone is a slip, both at once is how a sibling looks ("Ngô Thị Anh Thảo" 2009-12-30
// against her sister "Ngô Mỹ Thảo" 2009-12-10, whose CCCD she wrote). A one-letter typo (level
// 3) with one wrong digit is a careless clerk, not another person.
bool TwoSlips(int8_t name, int8_t dob) { return dob == 3 && (name == 2 || (name != kNull && name >= 4)); }

}  // namespace

bool MayVerify(const Comparison& c, bool given_names_agree) {
  const int8_t id = c.level[kFieldId], name = c.level[kFieldName], dob = c.level[kFieldDob];
  if (TwoSlips(name, dob)) return false;
  // Without an agreeing number: names close and a birth date that agrees or is a slip away
  // (equal, day and month swapped, year only and equal, one digit).
  const bool close = name != kNull && (name <= 2 || (name <= 4 && given_names_agree));
  if (close && dob != kNull && dob <= 3) return true;
  const bool not_far = name == kNull || name <= 3 || (name <= 5 && given_names_agree);
  return id == 0 && not_far && (dob == kNull || dob <= 3);
}

bool ConsistentWithCccd(const Comparison& c) {
  const int8_t name = c.level[kFieldName], dob = c.level[kFieldDob];
  return name != kNull && name <= 3 && (dob == kNull || dob <= 3) && !TwoSlips(name, dob);
}

Matcher::Matcher(std::span<const Person> register_people, MatchOptions options)
    : register_(register_people),
      options_(options),
      index_(register_people, options.max_block, ResolveThreads(options.threads)) {}

void Matcher::SetThresholds(const MatchOptions& thresholds) {
  options_.verify_weight = thresholds.verify_weight;
  options_.propose_weight = thresholds.propose_weight;
  options_.margin = thresholds.margin;
}

int Matcher::threads() const { return ResolveThreads(options_.threads); }

EmReport Matcher::Train(std::span<const Person> records) {
  if (records.empty() || register_.empty()) return {};
  std::mt19937_64 rng(options_.seed);
  PatternCounts random_pairs;
  std::uniform_int_distribution<size_t> pick_record(0, records.size() - 1);
  std::uniform_int_distribution<size_t> pick_entry(0, register_.size() - 1);
  for (size_t i = 0; i < options_.u_pairs; ++i) {
    ++random_pairs[Compare(records[pick_record(rng)], register_[pick_entry(rng)]).level];
  }
  model_.SetUFromRandomPairs(random_pairs);

  PatternCounts candidate_pairs;
  std::vector<uint32_t> cands;
  const size_t n = std::min(options_.em_sample, records.size());
  for (size_t i = 0; i < n; ++i) {
    const Person& r = records[n == records.size() ? i : pick_record(rng)];
    index_.Candidates(r, cands);
    for (uint32_t c : cands) ++candidate_pairs[Compare(r, register_[c]).level];
  }
  return model_.EstimateM(candidate_pairs, options_.em_max_iterations);
}

MatchResult Matcher::Match(const Person& record, std::vector<uint32_t>& cands) const {
  MatchResult best;
  if (record.cccd != 0) {
    cands.clear();
    index_.ExactCccd(record.cccd, cands);
    for (uint32_t c : cands) {
      const Comparison cmp = Compare(record, register_[c]);
      if (!ConsistentWithCccd(cmp)) continue;
      best.status = MatchStatus::kVerified;
      best.candidate = static_cast<int32_t>(c);
      best.comparison = cmp;
      best.weight = static_cast<float>(model_.Weight(cmp));
      best.probability = static_cast<float>(model_.MatchProbability(cmp));
      best.candidates = 1;
      return best;
    }
  }
  index_.Candidates(record, cands);
  best.candidates = static_cast<uint32_t>(cands.size());
  double best_w = -1e9, second_w = -1e9;
  for (uint32_t c : cands) {
    const Comparison cmp = Compare(record, register_[c]);
    const double w = model_.Weight(cmp);
    if (w > best_w) {
      second_w = best_w;
      best_w = w;
      best.candidate = static_cast<int32_t>(c);
      best.comparison = cmp;
    } else if (w > second_w) {
      second_w = w;
    }
  }
  if (best.candidate < 0) return best;
  best.weight = static_cast<float>(best_w);
  best.runner_up = static_cast<float>(second_w);
  best.probability = static_cast<float>(model_.MatchProbability(best.comparison));
  if (best_w >= options_.verify_weight && best_w - second_w >= options_.margin &&
      best.probability >= options_.verify_probability &&
      MayVerify(best.comparison,
                GivenNamesAgree(record.name,
                                register_[static_cast<size_t>(best.candidate)].name))) {
    best.status = MatchStatus::kVerified;
  } else if (best_w >= options_.propose_weight) {
    best.status = MatchStatus::kProposed;
  } else {
    best.status = MatchStatus::kNotFound;
  }
  return best;
}

std::vector<MatchResult> Matcher::MatchAll(std::span<const Person> records,
                                           const std::function<void(size_t)>& progress) const {
  std::vector<MatchResult> results(records.size());
  std::atomic<size_t> next{0}, done{0};
  constexpr size_t kChunk = 2048;
  auto work = [&](bool reporter) {
    std::vector<uint32_t> scratch;
    for (;;) {
      const size_t begin = next.fetch_add(kChunk);
      if (begin >= records.size()) break;
      const size_t end = std::min(records.size(), begin + kChunk);
      for (size_t i = begin; i < end; ++i) results[i] = Match(records[i], scratch);
      const size_t now = done.fetch_add(end - begin) + (end - begin);
      if (reporter && progress) progress(now);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads(); ++t) pool.emplace_back(work, false);
  work(true);
  for (auto& th : pool) th.join();
  if (progress) progress(records.size());
  return results;
}

}  // namespace vaxreg::identity
