#include "common/metrics.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <mutex>

#include "common/status.h"

namespace vaxreg {

struct MetricsRegistry::Series {
  explicit Series(size_t bucket_count)
      : bucket_counts(bucket_count > 0 ? std::make_unique<std::atomic<uint64_t>[]>(bucket_count)
                                       : nullptr) {
    for (size_t i = 0; i < bucket_count; ++i) bucket_counts[i].store(0, std::memory_order_relaxed);
  }

  std::atomic<double> value{0};  // counters and gauges
  // Histograms: non-cumulative counts per bucket; the last entry is the +Inf bucket. Rendering
  // accumulates them, so _count always equals the +Inf bucket even while observations race.
  std::unique_ptr<std::atomic<uint64_t>[]> bucket_counts;
  std::atomic<double> sum{0};
  // The family's bucket bounds. They never change once a series exists, so observations read
  // them without the registry lock.
  const std::vector<double>* bounds = nullptr;
};

struct MetricsRegistry::Family {
  Type type = Type::kCounter;
  std::string help;
  std::vector<double> buckets;  // histograms: finite upper bounds
  // Key: the rendered, sorted label set (`a="x",b="y"`), which is also what RenderPrometheus
  // prints, so rendering needs no re-escaping.
  std::map<std::string, std::unique_ptr<Series>, std::less<>> series;
};

namespace {

bool IsMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool IsLabelName(std::string_view s) {
  if (s.empty() || s.substr(0, 2) == "__") return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void AppendEscaped(std::string& out, std::string_view v, bool escape_quote) {
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        if (escape_quote) {
          out += "\\\"";
        } else {
          out += c;
        }
        break;
      default:
        out += c;
    }
  }
}

// Prometheus accepts Go's float syntax; shortest round-trip form, with +Inf/-Inf/NaN spelled
// the way the exposition format requires.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string SeriesKey(const Labels& labels) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(labels.size());
  for (const auto& l : labels) sorted.push_back(&l);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string key;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) key += ',';
    key += sorted[i]->first;
    key += "=\"";
    AppendEscaped(key, sorted[i]->second, true);
    key += '"';
  }
  return key;
}

void CheckLabels(const Labels& labels, bool histogram) {
  for (size_t i = 0; i < labels.size(); ++i) {
    CHECK(IsLabelName(labels[i].first));
    CHECK(!(histogram && labels[i].first == "le"));
    for (size_t j = 0; j < i; ++j) CHECK(labels[i].first != labels[j].first);
  }
}

void AtomicAdd(std::atomic<double>& a, double v) { a.fetch_add(v, std::memory_order_relaxed); }

}  // namespace

const std::vector<double>& MetricsRegistry::kDefaultBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                               0.5,   1,    2.5,   5,    10};
  return kBuckets;
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

void MetricsRegistry::Register(std::string name, std::string help, Type type,
                               std::vector<double> buckets) {
  CHECK(IsMetricName(name));
  if (type == Type::kHistogram) {
    for (size_t i = 0; i < buckets.size(); ++i) {
      CHECK(std::isfinite(buckets[i]));
      CHECK(i == 0 || buckets[i - 1] < buckets[i]);
    }
  }
  std::unique_lock lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    Family& f = *it->second;
    CHECK(f.type == type);
    // A family created by first use gets its real help text here, and its buckets as long as no
    // series exists yet; afterwards the buckets must not change.
    f.help = std::move(help);
    if (type == Type::kHistogram) {
      if (f.series.empty()) {
        f.buckets = std::move(buckets);
      } else {
        CHECK(f.buckets == buckets);
      }
    }
    return;
  }
  auto f = std::make_unique<Family>();
  f->type = type;
  f->help = std::move(help);
  f->buckets = std::move(buckets);
  families_.emplace(std::move(name), std::move(f));
}

void MetricsRegistry::RegisterCounter(std::string name, std::string help) {
  Register(std::move(name), std::move(help), Type::kCounter, {});
}

void MetricsRegistry::RegisterGauge(std::string name, std::string help) {
  Register(std::move(name), std::move(help), Type::kGauge, {});
}

void MetricsRegistry::RegisterHistogram(std::string name, std::string help,
                                        std::vector<double> buckets) {
  Register(std::move(name), std::move(help), Type::kHistogram, std::move(buckets));
}

MetricsRegistry::Series& MetricsRegistry::GetOrCreateSeries(std::string_view name, Type type,
                                                            const Labels& labels) {
  const std::string key = SeriesKey(labels);
  {
    std::shared_lock lock(mu_);
    auto fit = families_.find(name);
    if (fit != families_.end()) {
      CHECK(fit->second->type == type);
      auto sit = fit->second->series.find(key);
      // Series are never removed, so the pointer stays valid after the lock is released.
      if (sit != fit->second->series.end()) return *sit->second;
    }
  }
  CHECK(IsMetricName(name));
  CheckLabels(labels, type == Type::kHistogram);
  std::unique_lock lock(mu_);
  auto fit = families_.find(name);
  if (fit == families_.end()) {
    auto f = std::make_unique<Family>();
    f->type = type;
    f->help = std::string(name);
    if (type == Type::kHistogram) f->buckets = kDefaultBuckets();
    fit = families_.emplace(std::string(name), std::move(f)).first;
  }
  Family& family = *fit->second;
  CHECK(family.type == type);
  auto sit = family.series.find(key);
  if (sit == family.series.end()) {
    const size_t n = type == Type::kHistogram ? family.buckets.size() + 1 : 0;
    sit = family.series.emplace(key, std::make_unique<Series>(n)).first;
    sit->second->bounds = &family.buckets;
  }
  return *sit->second;
}

void MetricsRegistry::IncrementCounter(std::string_view name, const Labels& labels, double v) {
  CHECK(v >= 0);
  AtomicAdd(GetOrCreateSeries(name, Type::kCounter, labels).value, v);
}

void MetricsRegistry::SetGauge(std::string_view name, const Labels& labels, double v) {
  GetOrCreateSeries(name, Type::kGauge, labels).value.store(v, std::memory_order_relaxed);
}

void MetricsRegistry::AddGauge(std::string_view name, const Labels& labels, double delta) {
  AtomicAdd(GetOrCreateSeries(name, Type::kGauge, labels).value, delta);
}

void MetricsRegistry::ObserveHistogram(std::string_view name, const Labels& labels, double value) {
  if (std::isnan(value)) return;  // would poison _sum forever
  Series& s = GetOrCreateSeries(name, Type::kHistogram, labels);
  const std::vector<double>& bounds = *s.bounds;
  const auto index =
      static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());
  s.bucket_counts[index].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(s.sum, value);
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::string out;
  std::shared_lock lock(mu_);
  for (const auto& [name, family] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    AppendEscaped(out, family->help, false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    switch (family->type) {
      case Type::kCounter:
        out += "counter";
        break;
      case Type::kGauge:
        out += "gauge";
        break;
      case Type::kHistogram:
        out += "histogram";
        break;
    }
    out += '\n';
    for (const auto& [key, series] : family->series) {
      if (family->type != Type::kHistogram) {
        out += name;
        if (!key.empty()) out += '{' + key + '}';
        out += ' ';
        out += FormatValue(series->value.load(std::memory_order_relaxed));
        out += '\n';
        continue;
      }
      const std::string prefix = key.empty() ? std::string() : key + ",";
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= family->buckets.size(); ++i) {
        cumulative += series->bucket_counts[i].load(std::memory_order_relaxed);
        const std::string le =
            i < family->buckets.size() ? FormatValue(family->buckets[i]) : "+Inf";
        out +=
            name + "_bucket{" + prefix + "le=\"" + le + "\"} " + std::to_string(cumulative) + '\n';
      }
      const std::string braces = key.empty() ? std::string() : '{' + key + '}';
      out += name + "_sum" + braces + ' ' +
             FormatValue(series->sum.load(std::memory_order_relaxed)) + '\n';
      out += name + "_count" + braces + ' ' + std::to_string(cumulative) + '\n';
    }
  }
  return out;
}

std::optional<double> MetricsRegistry::ValueForTest(std::string_view name,
                                                    const Labels& labels) const {
  std::shared_lock lock(mu_);
  auto fit = families_.find(name);
  if (fit == families_.end()) return std::nullopt;
  auto sit = fit->second->series.find(SeriesKey(labels));
  if (sit == fit->second->series.end()) return std::nullopt;
  if (fit->second->type != Type::kHistogram) {
    return sit->second->value.load(std::memory_order_relaxed);
  }
  uint64_t count = 0;
  for (size_t i = 0; i <= fit->second->buckets.size(); ++i) {
    count += sit->second->bucket_counts[i].load(std::memory_order_relaxed);
  }
  return static_cast<double>(count);
}

}  // namespace vaxreg
