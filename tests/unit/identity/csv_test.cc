#include "identity/csv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace vaxreg::identity {
namespace {

std::string TempFile(const std::string& content) {
  static int n = 0;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("vaxreg_csv_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++)))
                         .string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(CsvTest, QuotesBomCrlfAndEmptyLines) {
  const std::string path =
      TempFile("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n\r\n2,\"multi\nline\",z\n3");
  auto reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string_view> f;
  ASSERT_TRUE((*reader)->Next(f));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], "a");
  ASSERT_TRUE((*reader)->Next(f));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1], "x, \"y\"");
  EXPECT_EQ(f[2], "");
  ASSERT_TRUE((*reader)->Next(f));
  EXPECT_EQ((*reader)->line(), 4u);
  EXPECT_EQ(f[1], "multi\nline");
  ASSERT_TRUE((*reader)->Next(f));
  EXPECT_EQ(f[0], "3");
  EXPECT_FALSE((*reader)->Next(f));
  std::remove(path.c_str());
}

TEST(CsvTest, MapColumnsAndQuoting) {
  std::vector<std::string_view> header = {"x", "cccd", "full_name"};
  auto cols = MapColumns(header, {"full_name", "cccd"});
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ((*cols)[0], 2u);
  EXPECT_EQ((*cols)[1], 1u);
  EXPECT_FALSE(MapColumns(header, {"dob"}).ok());
  std::string out;
  AppendCsvField(out, "plain");
  out += ',';
  AppendCsvField(out, "a,\"b\"");
  EXPECT_EQ(out, "plain,\"a,\"\"b\"\"\"");
  EXPECT_FALSE(CsvReader::Open("/nonexistent/file.csv").ok());
}

}  // namespace
}  // namespace vaxreg::identity
