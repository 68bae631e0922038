#include "identity/model.h"

#include <algorithm>
#include <boost/json.hpp>
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

constexpr int64_t kJsonFormat = 1;

// Reads one field's m or u levels: exactly `levels` numbers in (0, 1].
Status ReadLevels(const boost::json::object& field, std::string_view name, std::string_view which,
                  int levels, std::array<double, kMaxLevels>& out) {
  const std::string where = std::string(name) + "." + std::string(which);
  const boost::json::value* v = field.if_contains(which);
  if (v == nullptr || !v->is_array()) return InvalidArgumentError("model: " + where + " is missing");
  const boost::json::array& a = v->get_array();
  if (a.size() != static_cast<size_t>(levels)) {
    return InvalidArgumentError("model: " + where + " has " + std::to_string(a.size()) +
                                " levels, expected " + std::to_string(levels));
  }
  out = {};
  for (size_t l = 0; l < a.size(); ++l) {
    if (!a[l].is_number()) return InvalidArgumentError("model: " + where + " is not numeric");
    const double p = a[l].to_number<double>();
    if (!(p > 0 && p <= 1)) return InvalidArgumentError("model: " + where + " is not in (0, 1]");
    out[l] = p;
  }
  return Status::Ok();
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
    if (change < tolerance) {
      report.converged = true;
      break;
    }
  }
  report.lambda = lambda_;
  ub_ = u_em;
  has_blocked_u_ = true;
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

double FsModel::MatchProbability(const Comparison& c) const {
  if (!has_blocked_u_) return Probability(Weight(c));
  double log_odds = std::log(lambda_) - std::log(1 - lambda_);
  for (int f = 0; f < kNumFields; ++f) {
    const int8_t l = c.level[static_cast<size_t>(f)];
    if (l == kNull) continue;
    log_odds += std::log(m_[f][static_cast<size_t>(l)]) - std::log(ub_[f][static_cast<size_t>(l)]);
  }
  return 1.0 / (1.0 + std::exp(-log_odds));
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

std::string FsModel::ToJson() const {
  boost::json::object fields;
  for (int f = 0; f < kNumFields; ++f) {
    boost::json::array m, u, ub;
    for (int l = 0; l < kLevelCount[static_cast<size_t>(f)]; ++l) {
      m.push_back(m_[f][static_cast<size_t>(l)]);
      u.push_back(u_[f][static_cast<size_t>(l)]);
      ub.push_back(ub_[f][static_cast<size_t>(l)]);
    }
    boost::json::object field{{"m", m}, {"u", u}};
    if (has_blocked_u_) field["ub"] = ub;
    fields[FieldName(static_cast<Field>(f))] = std::move(field);
  }
  return boost::json::serialize(
      boost::json::object{{"format", kJsonFormat}, {"lambda", lambda_}, {"fields", fields}});
}

Result<FsModel> FsModel::FromJson(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(json, ec);
  if (ec || !root.is_object()) return InvalidArgumentError("model: not a JSON object");
  const boost::json::object& o = root.get_object();
  const boost::json::value* format = o.if_contains("format");
  if (format == nullptr || !format->is_int64() || format->get_int64() != kJsonFormat) {
    return InvalidArgumentError("model: unknown format");
  }
  const boost::json::value* lambda = o.if_contains("lambda");
  const boost::json::value* fields = o.if_contains("fields");
  if (lambda == nullptr || !lambda->is_number() || fields == nullptr || !fields->is_object()) {
    return InvalidArgumentError("model: lambda or fields missing");
  }
  FsModel model;
  model.lambda_ = lambda->to_number<double>();
  if (!(model.lambda_ > 0 && model.lambda_ < 1)) {
    return InvalidArgumentError("model: lambda is not in (0, 1)");
  }
  if (fields->get_object().size() != static_cast<size_t>(kNumFields)) {
    return InvalidArgumentError("model: expected " + std::to_string(kNumFields) + " fields");
  }
  for (int f = 0; f < kNumFields; ++f) {
    const std::string_view name = FieldName(static_cast<Field>(f));
    const boost::json::value* field = fields->get_object().if_contains(name);
    if (field == nullptr || !field->is_object()) {
      return InvalidArgumentError("model: field " + std::string(name) + " is missing");
    }
    const int levels = kLevelCount[static_cast<size_t>(f)];
    RETURN_IF_ERROR(ReadLevels(field->get_object(), name, "m", levels, model.m_[f]));
    RETURN_IF_ERROR(ReadLevels(field->get_object(), name, "u", levels, model.u_[f]));
    if (field->get_object().contains("ub")) {
      RETURN_IF_ERROR(ReadLevels(field->get_object(), name, "ub", levels, model.ub_[f]));
      if (f > 0 && !model.has_blocked_u_) {
        return InvalidArgumentError("model: ub is given for some fields only");
      }
      model.has_blocked_u_ = true;
    } else if (model.has_blocked_u_) {
      return InvalidArgumentError("model: field " + std::string(name) + ".ub is missing");
    }
  }
  model.UpdateWeights();
  return model;
}

}  // namespace vaxreg::identity
