// The progress output of long identity runs: a bar measured in bytes shows records, and a phase
// note is printed at once.

#include "identity/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace vaxreg::identity {
namespace {

TEST(ProgressBarTest, AFileReadInBytesCountsRecords) {
  std::ostringstream out;
  ProgressBar bar(&out, "register", 1000, ProgressBar::Measure::kBytes);
  bar.Update(500, 12);
  bar.Finish(25);
  const std::string text = out.str();
  EXPECT_NE(text.find(" 50% 12 records"), std::string::npos) << text;
  EXPECT_NE(text.find("100% 25 records"), std::string::npos) << text;
  EXPECT_EQ(text.find("/1000"), std::string::npos) << "bytes are not shown as a count: " << text;
}

TEST(ProgressBarTest, RecordsAreCountedAgainstTheirTotal) {
  std::ostringstream out;
  ProgressBar bar(&out, "verifying", 200);
  bar.Update(50);
  bar.Finish();
  EXPECT_NE(out.str().find(" 25% 50/200"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("100% 200/200"), std::string::npos) << out.str();
}

TEST(ProgressBarTest, NotesAndBarsPrintNothingWithoutAStream) {
  ProgressBar bar(nullptr, "x", 10);
  bar.Update(5);
  bar.Finish();
  ProgressNote(nullptr, "verify", "reading", std::chrono::steady_clock::now());
  std::ostringstream out;
  ProgressNote(&out, "verify", "reading the population register",
               std::chrono::steady_clock::now());
  EXPECT_EQ(out.str().rfind("verify: reading the population register (0.", 0), 0u) << out.str();
  EXPECT_EQ(out.str().back(), '\n');
}

}  // namespace
}  // namespace vaxreg::identity
