// ReadRouting without a replica, and the WAL positions (LSNs) that fence replica reads. The
// replica itself is exercised end to end by tests/e2e/pg_replica_e2e_test.sh.

#include "storage/read_routing.h"

#include <gtest/gtest.h>

#include "unit/storage/test_util.h"

namespace vaxreg::storage {
namespace {

TEST(LsnTest, ParsesPostgresTextForm) {
  EXPECT_EQ(ParseLsn("0/0"), 0u);
  EXPECT_EQ(ParseLsn("0/16B3748"), 0x16B3748u);
  EXPECT_EQ(ParseLsn("1/0"), uint64_t{1} << 32);
  EXPECT_EQ(ParseLsn("FFFFFFFF/FFFFFFFF"), ~uint64_t{0});
  EXPECT_EQ(ParseLsn("a/b"), (uint64_t{0xa} << 32) | 0xb);
}

TEST(LsnTest, RefusesAnythingElse) {
  for (const char* bad : {"", "/", "0/", "/0", "16B3748", "0/16B3748x", "x0/1", "0/-1", "0/+1",
                          "123456789/0", "0/123456789", "0/1/2", " 0/1", "0 /1"}) {
    EXPECT_FALSE(ParseLsn(bad).has_value()) << bad;
  }
}

TEST(LsnTest, FormatsWhatItParses) {
  for (const char* text : {"0/0", "0/16B3748", "1/0", "FFFFFFFF/FFFFFFFF", "2A/9C001F0"}) {
    auto lsn = ParseLsn(text);
    ASSERT_TRUE(lsn.has_value()) << text;
    EXPECT_EQ(FormatLsn(*lsn), text);
  }
  EXPECT_LT(*ParseLsn("0/FFFFFFFF"), *ParseLsn("1/0"));  // positions order as numbers
}

TEST(ReadRoutingTest, WithoutAReplicaEverythingIsThePrimarysAndNothingIsFenced) {
  auto db = OpenDatabase("sqlite::memory:", {.pool_size = 2, .busy_timeout_ms = 1000});
  STORAGE_ASSERT_OK(db);
  ReadRouting routing(**db, nullptr);
  EXPECT_FALSE(routing.has_replica());
  auto fence = routing.WriteFence();
  STORAGE_ASSERT_OK(fence);
  EXPECT_EQ(*fence, "");
  bool on_replica = true;
  auto conn = routing.AcquireForRead("0/16B3748", &on_replica);
  STORAGE_ASSERT_OK(conn);
  EXPECT_FALSE(on_replica);
  auto rows = (*conn)->Query("SELECT 1", {});
  STORAGE_ASSERT_OK(rows);
  EXPECT_EQ((*rows)[0].Int(0), 1);
  EXPECT_EQ(routing.reads_on_replica(), 0);
}

}  // namespace
}  // namespace vaxreg::storage
