// Row accessors convert between value kinds the same way whichever backend produced the row.

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "storage/database.h"

namespace vaxreg::storage {
namespace {

struct RowCase {
  std::string name;
  Value value;
  bool is_null;
  int64_t as_int;
  double as_double;
  std::string as_text;
  std::string as_bytes;
};

TEST(RowTest, ConvertsEveryValueKind) {
  const std::vector<RowCase> cases = {
      {"null", nullptr, true, 0, 0.0, "", ""},
      {"int", int64_t{42}, false, 42, 42.0, "42", "42"},
      {"negative int", int64_t{-7}, false, -7, -7.0, "-7", "-7"},
      {"int64 max", std::numeric_limits<int64_t>::max(), false, std::numeric_limits<int64_t>::max(),
       9223372036854775807.0, "9223372036854775807", "9223372036854775807"},
      {"double", 2.5, false, 2, 2.5, "2.5", "2.5"},
      {"double shortest form", 0.1, false, 0, 0.1, "0.1", "0.1"},
      {"negative double truncates", -2.9, false, -2, -2.9, "-2.9", "-2.9"},
      {"huge double saturates", 1e300, false, std::numeric_limits<int64_t>::max(), 1e300, "1e+300",
       "1e+300"},
      {"nan is zero", std::numeric_limits<double>::quiet_NaN(), false, 0, 0.0, "nan", "nan"},
      {"integer text", std::string("123"), false, 123, 123.0, "123", "123"},
      {"numeric text", std::string("12.50"), false, 12, 12.5, "12.50", "12.50"},
      {"signed text", std::string("+5"), false, 5, 5.0, "+5", "+5"},
      {"non-numeric text", std::string("abc"), false, 0, 0.0, "abc", "abc"},
      {"empty text", std::string(), false, 0, 0.0, "", ""},
      {"blob", Blob{std::string("a\0b", 3)}, false, 0, 0.0, std::string("a\0b", 3),
       std::string("a\0b", 3)},
      {"numeric blob", Blob{"77"}, false, 77, 77.0, "77", "77"},
  };
  for (const RowCase& c : cases) {
    SCOPED_TRACE(c.name);
    Row row({c.value});
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(row.IsNull(0), c.is_null);
    EXPECT_EQ(row.Int(0), c.as_int);
    if (c.name != "nan is zero") {
      EXPECT_DOUBLE_EQ(row.Double(0), c.as_double);
    }
    EXPECT_EQ(row.Text(0), c.as_text);
    EXPECT_EQ(row.Bytes(0), c.as_bytes);
  }
}

TEST(RowTest, AtReturnsTheStoredValue) {
  Row row({int64_t{1}, std::string("two"), Blob{"3"}});
  EXPECT_EQ(row.at(0), Value(int64_t{1}));
  EXPECT_EQ(row.at(1), Value(std::string("two")));
  EXPECT_EQ(row.at(2), Value(Blob{"3"}));
}

TEST(RowDeathTest, OutOfRangeColumnIsABug) {
  Row row({int64_t{1}});
  EXPECT_DEATH(row.Int(1), "");
  EXPECT_DEATH(row.at(5), "");
}

TEST(ColumnListTest, PrefixesEachColumnWithTheAlias) {
  constexpr std::string_view kColumns[] = {"id", "name"};
  EXPECT_EQ(ColumnList(kColumns, "p"), "p.id, p.name");
  EXPECT_EQ(ColumnList(kColumns, ""), "id, name");
}

}  // namespace
}  // namespace vaxreg::storage
