// CopyBuffer: PostgreSQL's COPY text format, and SQLite's refusal of CopyRows.

#include <gtest/gtest.h>

#include "storage/database.h"
#include "unit/storage/test_util.h"

namespace vaxreg::storage {
namespace {

TEST(CopyBufferTest, WritesTabSeparatedRowsWithEscapesAndNulls) {
  CopyBuffer rows;
  rows.Int(-7);
  rows.Text("a\tb\nc\rd\\e");
  rows.TextOrNull("");
  rows.Null();
  rows.EndRow();
  rows.Text("Trần");
  rows.EndRow();
  EXPECT_EQ(rows.rows(), 2u);
  EXPECT_EQ(rows.data(), "-7\ta\\tb\\nc\\rd\\\\e\t\\N\t\\N\nTrần\n");
  rows.Clear();
  EXPECT_EQ(rows.rows(), 0u);
  EXPECT_EQ(rows.data(), "");
}

TEST(CopyBufferTest, RowWritesValuesInOrder) {
  CopyBuffer rows;
  const Value row[] = {int64_t{42}, std::string("x\ty"), nullptr};
  rows.Row(row);
  EXPECT_EQ(rows.rows(), 1u);
  EXPECT_EQ(rows.data(), "42\tx\\ty\t\\N\n");
}

TEST(CopyBufferTest, SqliteRefusesCopy) {
  auto db = OpenDatabase("sqlite::memory:", {.pool_size = 1, .busy_timeout_ms = 1000});
  STORAGE_ASSERT_OK(db);
  auto conn = (*db)->Acquire();
  STORAGE_ASSERT_OK(conn);
  CopyBuffer rows;
  rows.Int(1);
  rows.EndRow();
  STORAGE_EXPECT_CODE((*conn)->CopyRows("t", "id", rows), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace vaxreg::storage
