#include "common/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace vaxreg {
namespace {

TEST(MetricsRegistryTest, RendersCountersAndGauges) {
  MetricsRegistry m;
  m.RegisterCounter("requests_total", "Requests served");
  m.RegisterGauge("connections", "Open connections");
  m.IncrementCounter("requests_total", {{"route", "/a"}, {"status", "200"}});
  m.IncrementCounter("requests_total", {{"status", "200"}, {"route", "/a"}}, 2);  // same series
  m.IncrementCounter("requests_total", {{"route", "/b"}, {"status", "404"}});
  m.SetGauge("connections", {}, 5);
  m.AddGauge("connections", {}, -2);
  EXPECT_EQ(m.RenderPrometheus(),
            "# HELP connections Open connections\n"
            "# TYPE connections gauge\n"
            "connections 3\n"
            "# HELP requests_total Requests served\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"/a\",status=\"200\"} 3\n"
            "requests_total{route=\"/b\",status=\"404\"} 1\n");
  EXPECT_EQ(m.ValueForTest("requests_total", {{"route", "/a"}, {"status", "200"}}), 3);
  EXPECT_EQ(m.ValueForTest("requests_total", {{"route", "/c"}, {"status", "200"}}), std::nullopt);
  EXPECT_EQ(m.ValueForTest("nope", {}), std::nullopt);
}

TEST(MetricsRegistryTest, RendersCumulativeHistograms) {
  MetricsRegistry m;
  m.RegisterHistogram("latency_seconds", "Latency", {0.1, 0.5, 1});
  for (double v : {0.05, 0.1, 0.3, 0.7, 2.0})
    m.ObserveHistogram("latency_seconds", {{"r", "x"}}, v);
  m.ObserveHistogram("latency_seconds", {{"r", "x"}}, std::nan(""));  // ignored
  EXPECT_EQ(m.RenderPrometheus(),
            "# HELP latency_seconds Latency\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{r=\"x\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{r=\"x\",le=\"0.5\"} 3\n"
            "latency_seconds_bucket{r=\"x\",le=\"1\"} 4\n"
            "latency_seconds_bucket{r=\"x\",le=\"+Inf\"} 5\n"
            "latency_seconds_sum{r=\"x\"} 3.15\n"
            "latency_seconds_count{r=\"x\"} 5\n");
  EXPECT_EQ(m.ValueForTest("latency_seconds", {{"r", "x"}}), 5);
}

TEST(MetricsRegistryTest, HistogramWithoutLabels) {
  MetricsRegistry m;
  m.RegisterHistogram("batch", "Batch size", {1, 2});
  m.ObserveHistogram("batch", {}, 2);
  const std::string out = m.RenderPrometheus();
  EXPECT_NE(out.find("batch_bucket{le=\"1\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("batch_bucket{le=\"2\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("batch_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("batch_sum 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("batch_count 1\n"), std::string::npos) << out;
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry m;
  m.RegisterCounter("c", "line one\nback\\slash \"quoted\"");
  m.IncrementCounter("c", {{"v", "a\"b\\c\nd"}});
  EXPECT_EQ(m.RenderPrometheus(),
            "# HELP c line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE c counter\n"
            "c{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsRegistryTest, UnregisteredNamesAreCreatedOnFirstUse) {
  MetricsRegistry m;
  m.IncrementCounter("auto_total", {});
  m.ObserveHistogram("auto_seconds", {}, 0.2);
  const std::string out = m.RenderPrometheus();
  EXPECT_NE(out.find("# TYPE auto_total counter\nauto_total 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("auto_seconds_bucket{le=\"0.25\"} 1\n"), std::string::npos) << out;
  // Registering later keeps the series and sets the help text.
  m.RegisterCounter("auto_total", "Automatic");
  EXPECT_NE(m.RenderPrometheus().find("# HELP auto_total Automatic\n"), std::string::npos);
}

TEST(MetricsRegistryTest, RegisteringTwiceIsANoOp) {
  MetricsRegistry m;
  m.RegisterHistogram("h", "help", {1, 2});
  m.ObserveHistogram("h", {}, 1);
  m.RegisterHistogram("h", "help", {1, 2});
  EXPECT_EQ(m.ValueForTest("h", {}), 1);
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry m;
  m.RegisterCounter("hits_total", "Hits");
  m.RegisterHistogram("h_seconds", "H", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 10000; ++i) {
        m.IncrementCounter("hits_total", {{"shard", std::to_string(i % 3)}});
        m.ObserveHistogram("h_seconds", {}, t % 2 ? 0.1 : 1.0);
        if (i % 1000 == 0) (void)m.RenderPrometheus();
      }
    });
  }
  for (auto& t : threads) t.join();
  double total = 0;
  for (int s = 0; s < 3; ++s)
    total += *m.ValueForTest("hits_total", {{"shard", std::to_string(s)}});
  EXPECT_EQ(total, 40000);
  EXPECT_EQ(m.ValueForTest("h_seconds", {}), 40000);
}

using MetricsRegistryDeathTest = ::testing::Test;

TEST(MetricsRegistryDeathTest, MisuseIsABug) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        MetricsRegistry m;
        m.RegisterCounter("x", "x");
        m.ObserveHistogram("x", {}, 1);
      },
      "CHECK");
  EXPECT_DEATH(
      {
        MetricsRegistry m;
        m.IncrementCounter("x", {}, -1);
      },
      "CHECK");
  EXPECT_DEATH(
      {
        MetricsRegistry m;
        m.RegisterCounter("bad name", "x");
      },
      "CHECK");
  EXPECT_DEATH(
      {
        MetricsRegistry m;
        m.IncrementCounter("x", {{"bad-label", "v"}});
      },
      "CHECK");
  EXPECT_DEATH(
      {
        MetricsRegistry m;
        m.RegisterHistogram("h", "h", {2, 1});
      },
      "CHECK");
  EXPECT_DEATH(
      {
        MetricsRegistry m;
        m.ObserveHistogram("h", {{"le", "1"}}, 1);
      },
      "CHECK");
}

}  // namespace
}  // namespace vaxreg
