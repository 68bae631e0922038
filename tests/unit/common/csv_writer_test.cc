// The shared CSV field writer: RFC 4180 quoting, and the formula-injection guard on text from
// outside vaxreg ('=', '+', '-', '@', tab, CR at the start get a leading single quote inside a
// quoted field), which leaves values vaxreg writes itself (negative numbers) alone.

#include "common/csv_writer.h"

#include <gtest/gtest.h>

namespace vaxreg::csv {
namespace {

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  std::string out;
  AppendCsvField(out, "plain");
  out += ',';
  AppendCsvField(out, "a,\"b\"");
  out += ',';
  AppendCsvField(out, "two\nlines");
  EXPECT_EQ(out, "plain,\"a,\"\"b\"\"\",\"two\nlines\"");
}

TEST(CsvWriterTest, NeutralisesEveryFormulaStartInText) {
  EXPECT_EQ(CsvText("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvText("+1+2"), "\"'+1+2\"");
  EXPECT_EQ(CsvText("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(CsvText("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(CsvText("\t=1"), "\"'\t=1\"");
  EXPECT_EQ(CsvText("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(CsvText("=1,2"), "\"'=1,2\"");
}

TEST(CsvWriterTest, LeavesOrdinaryTextAndProducedValuesAlone) {
  EXPECT_EQ(CsvText("Nguyễn Văn An"), "Nguyễn Văn An");
  EXPECT_EQ(CsvText("a=b"), "a=b");  // only the first character matters
  EXPECT_EQ(CsvText(""), "");
  EXPECT_EQ(CsvText("x, y"), "\"x, y\"");
  EXPECT_FALSE(NeedsFormulaGuard("001090012345"));
  // A number vaxreg writes is a field, not text: a negative score stays a number.
  std::string out;
  AppendCsvField(out, "-0.2500");
  EXPECT_EQ(out, "-0.2500");
}

}  // namespace
}  // namespace vaxreg::csv
