#include "identity/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vaxreg::identity {
namespace {

void Normalise(std::array<double, kMaxLevels>& row, int levels) {
  double sum = 0;
  for (int l = 0; l < levels; ++l) sum += row[static_cast<size_t>(l)];
  if (sum <= 0) return;
  for (int l = 0; l < levels; ++l) row[static_cast<size_t>(l)] /= sum;
}

}  // namespace

FsModel::FsModel() {
  for (int f = 0; f < kNumFields; ++f) {
    const int levels = kLevelCount[static_cast<size_t>(f)];
    for (int l = 0; l < levels; ++l) {
      // Geometric decay over levels: agreement is likely for matches.
      m_[f][static_cast<size_t>(l)] = std::pow(0.2, l);
      u_[f][static_cast<size_t>(l)] = 1.0;
    }
    Normalise(m_[f], levels);
    Normalise(u_[f], levels);
  }
  UpdateWeights();
}

void FsModel::SetUFromRandomPairs(const PatternCounts& random_pairs) {
  LevelTable counts{};
  std::array<double, kNumFields> totals{};
  for (const auto& [pattern, n] : random_pairs) {
    for (int f = 0; f < kNumFields; ++f) {
      if (pattern[static_cast<size_t>(f)] == kNull) continue;
      counts[f][static_cast<size_t>(pattern[static_cast<size_t>(f)])] += static_cast<double>(n);
      totals[static_cast<size_t>(f)] += static_cast<double>(n);
    }
  }
  for (int f = 0; f < kNumFields; ++f) {
    const int levels = kLevelCount[static_cast<size_t>(f)];
    if (totals[static_cast<size_t>(f)] == 0) continue;  // keep the uniform start
    for (int l = 0; l < levels; ++l) {
      u_[f][static_cast<size_t>(l)] = std::max(counts[f][static_cast<size_t>(l)], 0.5);
    }
    Normalise(u_[f], levels);
  }
  UpdateWeights();
}

EmReport FsModel::EstimateM(const PatternCounts& pairs, int max_iterations, double tolerance) {
  EmReport report;
  double total = 0;
  for (const auto& [pattern, n] : pairs) total += static_cast<double>(n);
  if (total == 0) return report;
  // Blocked non-matches agree on the blocking fields far more often than random pairs do, so
  // inside EM the non-match distribution is re-estimated too (starting from the random-pair u);
  // the weights keep the random-pair u, which describes the whole population.
  LevelTable u_em = u_;
  lambda_ = 0.1;
  for (int it = 0; it < max_iterations; ++it) {
    LevelTable m_num{}, u_num{};
    double match_mass = 0;
    for (const auto& [pattern, n] : pairs) {
      double log_m = std::log(lambda_), log_u = std::log(1 - lambda_);
      for (int f = 0; f < kNumFields; ++f) {
        const int8_t l = pattern[static_cast<size_t>(f)];
        if (l == kNull) continue;
        log_m += std::log(m_[f][static_cast<size_t>(l)]);
        log_u += std::log(u_em[f][static_cast<size_t>(l)]);
      }
      const double g = 1.0 / (1.0 + std::exp(log_u - log_m));
      const double mass = g * static_cast<double>(n);
      match_mass += mass;
      for (int f = 0; f < kNumFields; ++f) {
        const int8_t l = pattern[static_cast<size_t>(f)];
        if (l == kNull) continue;
        m_num[f][static_cast<size_t>(l)] += mass;
        u_num[f][static_cast<size_t>(l)] += static_cast<double>(n) - mass;
      }
    }
    double change = 0;
    for (int f = 0; f < kNumFields; ++f) {
      const int levels = kLevelCount[static_cast<size_t>(f)];
      std::array<double, kMaxLevels> next_m{}, next_u{};
      // A small pseudo-count keeps every level possible in both classes.
      for (int l = 0; l < levels; ++l) {
        next_m[static_cast<size_t>(l)] = m_num[f][static_cast<size_t>(l)] + 0.5;
        next_u[static_cast<size_t>(l)] = u_num[f][static_cast<size_t>(l)] + 0.5;
      }
      Normalise(next_m, levels);
      Normalise(next_u, levels);
      for (int l = 0; l < levels; ++l) {
        change = std::max(change, std::abs(next_m[static_cast<size_t>(l)] - m_[f][static_cast<size_t>(l)]));
      }
      m_[f] = next_m;
      u_em[f] = next_u;
    }
    lambda_ = std::clamp(match_mass / total, 1e-9, 1 - 1e-9);
    report.iterations = it + 1;
    report.last_change = change;
    if (change < tolerance) break;
  }
  report.lambda = lambda_;
  UpdateWeights();
  return report;
}

void FsModel::UpdateWeights() {
  for (int f = 0; f < kNumFields; ++f) {
    for (int l = 0; l < kLevelCount[static_cast<size_t>(f)]; ++l) {
      const auto i = static_cast<size_t>(l);
      w_[f][i] = std::log2(m_[f][i] / u_[f][i]);
    }
  }
}

double FsModel::Weight(const Comparison& c) const {
  double w = 0;
  for (int f = 0; f < kNumFields; ++f) w += FieldWeight(static_cast<Field>(f), c.level[static_cast<size_t>(f)]);
  return w;
}

double FsModel::Probability(double weight) const {
  const double prior = std::log2(lambda_ / (1 - lambda_));
  return 1.0 / (1.0 + std::exp2(-(weight + prior)));
}

std::string FsModel::Describe() const {
  std::string out;
  char buf[128];
  std::snprintf(buf, sizeof buf, "lambda %.6f\n", lambda_);
  out += buf;
  for (int f = 0; f < kNumFields; ++f) {
    out += std::string(FieldName(static_cast<Field>(f))) + ":";
    for (int l = 0; l < kLevelCount[static_cast<size_t>(f)]; ++l) {
      const auto i = static_cast<size_t>(l);
      std::snprintf(buf, sizeof buf, "  [%d] m=%.4f u=%.2e w=%+.2f", l, m_[f][i], u_[f][i], w_[f][i]);
      out += buf;
    }
    out += "\n";
  }
  return out;
}

}  // namespace vaxreg::identity
