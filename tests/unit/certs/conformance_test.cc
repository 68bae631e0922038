// Runs the EU DCC conformance corpus (../shared/conformance/dcc-testdata) and requires every flag
// of every case to agree, except the entries of tests/data/certs/dcc_known_issues.txt.

#include "certs/conformance.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <sstream>

namespace vaxreg::certs {
namespace {

constexpr char kCorpus[] = VAXREG_SHARED_DIR "/conformance/dcc-testdata";
constexpr char kKnownIssues[] = VAXREG_SOURCE_DIR "/tests/data/certs/dcc_known_issues.txt";

TEST(DccConformanceTest, EveryFlagAgreesExceptDocumentedKnownIssues) {
  if (!std::filesystem::exists(kCorpus)) GTEST_SKIP() << "no corpus at " << kCorpus;
  Result<KnownIssues> known = KnownIssues::Load(kKnownIssues);
  ASSERT_TRUE(known.ok()) << known.status().ToString();
  std::ostringstream out;
  ConformanceReport report = RunDccConformance(kCorpus, out, *known);
  // Show the FAIL/STALE lines and the two summary lines; the KNOWN lines only on failure.
  for (const std::string& line : report.failure_lines) std::cout << line << "\n";
  const std::string text = out.str();
  size_t tail = text.rfind("flags:");
  std::cout << (tail == std::string::npos ? text : text.substr(tail));
  EXPECT_EQ(report.flags_unexpected, 0) << text;
  EXPECT_EQ(report.stale_known_issues, 0);
  EXPECT_EQ(report.cases_failed, 0);
  EXPECT_EQ(report.cases_passed + report.cases_failed, 330);
}

TEST(KnownIssuesTest, ParsesEntriesAndRejectsMalformedLines) {
  Result<KnownIssues> k = KnownIssues::Parse(
      "# comment\n\nNL/a.json EXPECTEDSCHEMAVALIDATION  # \"unreliable\"\n"
      "common/B.json EXPECTEDVERIFY\n");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  ASSERT_EQ(k->entries().size(), 2u);
  const KnownIssue* e = k->Find("NL/a.json", "EXPECTEDSCHEMAVALIDATION");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reason, "\"unreliable\"");
  EXPECT_EQ(k->Find("NL/a.json", "EXPECTEDVERIFY"), nullptr);
  EXPECT_FALSE(KnownIssues::Parse("a.json\n").ok());
  EXPECT_FALSE(KnownIssues::Parse("a.json VERIFY\n").ok());
  EXPECT_FALSE(KnownIssues::Parse("a.json EXPECTEDVERIFY extra\n").ok());
  EXPECT_FALSE(KnownIssues::Parse("a.json EXPECTEDVERIFY\na.json EXPECTEDVERIFY\n").ok());
}

}  // namespace
}  // namespace vaxreg::certs
