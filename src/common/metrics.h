#pragma once
// MetricsRegistry: process metrics (counters, gauges, histograms with labels) rendered in the
// Prometheus text exposition format 0.0.4.
//
// Thread-safety: every method may be called from any thread. Updating an existing series takes a
// shared (reader) lock for the lookup and then touches only atomics; an exclusive lock is taken
// only when a family or a series is created.
//
// Families: a metric name has one type. Register it once with its help text (and, for
// histograms, its bucket bounds) at start-up; registering again with the same type only replaces
// the help text, which lets several components (or several servers in a test) share one registry.
// Updating a name that was never registered creates it on first use (help text = the name;
// histograms get kDefaultBuckets). Using a name with the wrong type, an invalid metric or label
// name, a negative counter increment, non-increasing bucket bounds, or changing the buckets of a
// histogram that already has series is a bug and CHECK-fails.
//
// Series: one per distinct label set. Labels are sorted by name, so {a,b} and {b,a} are the same
// series. Keep label values bounded (route patterns, not raw paths): every series lives until
// the registry is destroyed.

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vaxreg {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry final {
 public:
  // Prometheus client defaults, in seconds.
  static const std::vector<double>& kDefaultBuckets();

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  void RegisterCounter(std::string name, std::string help);
  void RegisterGauge(std::string name, std::string help);
  // `buckets` are the finite upper bounds, strictly increasing; +Inf is implicit.
  void RegisterHistogram(std::string name, std::string help, std::vector<double> buckets);

  // Counters only go up: `v` must be >= 0.
  void IncrementCounter(std::string_view name, const Labels& labels, double v = 1);
  void SetGauge(std::string_view name, const Labels& labels, double v);
  void AddGauge(std::string_view name, const Labels& labels, double delta);
  void ObserveHistogram(std::string_view name, const Labels& labels, double value);

  // Text exposition format 0.0.4: families sorted by name, each with # HELP and # TYPE, series
  // sorted by label set; histograms as cumulative _bucket{le="..."} lines (ending with +Inf),
  // _sum and _count. Label values and help text are escaped.
  std::string RenderPrometheus() const;

  // The value of a counter or gauge series, or the observation count of a histogram series;
  // nullopt when the series does not exist.
  std::optional<double> ValueForTest(std::string_view name, const Labels& labels) const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series;
  struct Family;

  Family& GetOrCreateFamily(std::string_view name, Type type);
  Series& GetOrCreateSeries(std::string_view name, Type type, const Labels& labels);
  void Register(std::string name, std::string help, Type type, std::vector<double> buckets);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;  // guarded by mu_
};

}  // namespace vaxreg
