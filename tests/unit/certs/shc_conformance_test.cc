// Runs vaxreg's SMART Health Card verifier over the shared vectors (../shared/conformance/shc):
// every row of its verdict table, valid and negative cards, must get the verdict of the
// specification authors' validator, except the entries of tests/data/certs/shc_known_issues.txt.

#include "certs/shc/conformance.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <sstream>

namespace vaxreg::certs::shc {
namespace {

constexpr char kCorpus[] = VAXREG_SHARED_DIR "/conformance/shc";
constexpr char kKnownIssues[] = VAXREG_SOURCE_DIR "/tests/data/certs/shc_known_issues.txt";

TEST(ShcConformanceTest, EveryVerdictAgreesExceptDocumentedKnownIssues) {
  if (!std::filesystem::exists(kCorpus)) GTEST_SKIP() << "no corpus at " << kCorpus;
  auto known = ShcKnownIssues::Load(kKnownIssues);
  ASSERT_TRUE(known.ok()) << known.status().ToString();
  ShcConformanceOptions options;
  options.now = SystemClock::Get().Now();
  options.verbose = true;  // every row's verdict and reason in the test log
  std::ostringstream out;
  auto report = RunShcConformance(kCorpus, std::string(kCorpus) + "/expected-verdicts.tsv", out,
                                  *known, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::cout << out.str();
  EXPECT_EQ(report->cases_failed, 0) << out.str();
  EXPECT_EQ(report->stale, 0);
  // Both kinds are exercised: the examples that verify and the negative vectors.
  EXPECT_GE(report->valid_expected, 8);
  EXPECT_GE(report->invalid_expected, 30);
}

TEST(ShcKnownIssuesTest, ParsesEntriesAndRejectsMalformedLines) {
  auto k = ShcKnownIssues::Parse(
      "# comment\n\na/b.txt --exclude x  # the reason\nc.txt  # other\n");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  ASSERT_NE(k->Find("a/b.txt --exclude x"), nullptr);
  EXPECT_EQ(*k->Find("a/b.txt --exclude x"), "the reason");
  EXPECT_EQ(k->Find("a/b.txt"), nullptr);
  EXPECT_FALSE(ShcKnownIssues::Parse("a.txt\n").ok());
  EXPECT_FALSE(ShcKnownIssues::Parse("a.txt # r\na.txt # s\n").ok());
}

}  // namespace
}  // namespace vaxreg::certs::shc
