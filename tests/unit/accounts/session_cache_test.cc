// SessionCache: lifetime bounded by the ttl and by the session's expiry, Erase, the generation
// guard against re-inserting a revoked session, capacity, and ttl 0.

#include "accounts/session_cache.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"

namespace vaxreg::accounts {
namespace {

auth::Principal Alice() {
  auth::Principal p;
  p.user_id = 7;
  p.username = "alice";
  p.role = auth::Role::kFacilityStaff;
  p.facility_code = "HN-BACHMAI";
  return p;
}

class SessionCacheTest : public ::testing::Test {
 protected:
  int64_t Now() const { return ToUnixSeconds(clock_.Now()); }
  testing::FakeClock clock_;
};

TEST_F(SessionCacheTest, EntryLivesForTheTtl) {
  SessionCache cache(clock_, std::chrono::seconds(5));
  cache.Insert("h1", Alice(), Now() + 3600, cache.Generation());
  auto found = cache.Find("h1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->facility_code, "HN-BACHMAI");
  EXPECT_FALSE(cache.Find("h2").has_value());
  clock_.Advance(std::chrono::seconds(4));
  EXPECT_TRUE(cache.Find("h1").has_value());
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_FALSE(cache.Find("h1").has_value());
}

TEST_F(SessionCacheTest, SessionExpiryBoundsTheEntry) {
  SessionCache cache(clock_, std::chrono::seconds(5));
  cache.Insert("h1", Alice(), Now() + 2, cache.Generation());
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_FALSE(cache.Find("h1").has_value());
  cache.Insert("h2", Alice(), Now(), cache.Generation());  // already expired: not cached
  EXPECT_FALSE(cache.Find("h2").has_value());
}

TEST_F(SessionCacheTest, EraseRemovesAndBlocksALookupThatStartedBefore) {
  SessionCache cache(clock_, std::chrono::seconds(5));
  cache.Insert("h1", Alice(), Now() + 3600, cache.Generation());
  const uint64_t before = cache.Generation();  // a lookup reads the database after this ...
  cache.Erase("h1");                           // ... while a logout commits and erases
  EXPECT_FALSE(cache.Find("h1").has_value());
  cache.Insert("h1", Alice(), Now() + 3600, before);  // the stale read must not come back
  EXPECT_FALSE(cache.Find("h1").has_value());
  cache.Insert("h1", Alice(), Now() + 3600, cache.Generation());
  EXPECT_TRUE(cache.Find("h1").has_value());
}

TEST_F(SessionCacheTest, StaysWithinCapacity) {
  SessionCache cache(clock_, std::chrono::seconds(5), /*capacity=*/32);
  for (int i = 0; i < 1000; ++i) {
    cache.Insert("h" + std::to_string(i), Alice(), Now() + 3600, cache.Generation());
  }
  int present = 0;
  for (int i = 0; i < 1000; ++i) present += cache.Find("h" + std::to_string(i)).has_value();
  EXPECT_GT(present, 0);
  EXPECT_LE(present, 32);
  EXPECT_TRUE(cache.Find("h999").has_value());  // the newest entry is always kept
}

TEST_F(SessionCacheTest, EraseUserRemovesEveryEntryOfTheUserOnly) {
  SessionCache cache(clock_, std::chrono::seconds(5));
  auth::Principal bob = Alice();
  bob.user_id = 8;
  for (int i = 0; i < 40; ++i) {
    cache.Insert("a" + std::to_string(i), Alice(), Now() + 3600, cache.Generation());
  }
  cache.Insert("b", bob, Now() + 3600, cache.Generation());
  const uint64_t before = cache.Generation();
  cache.EraseUser(7);
  for (int i = 0; i < 40; ++i) EXPECT_FALSE(cache.Find("a" + std::to_string(i)).has_value());
  EXPECT_TRUE(cache.Find("b").has_value());
  cache.Insert("a0", Alice(), Now() + 3600, before);  // a lookup that started before
  EXPECT_FALSE(cache.Find("a0").has_value());
}

TEST_F(SessionCacheTest, ZeroTtlDisables) {
  SessionCache cache(clock_, std::chrono::seconds(0));
  EXPECT_FALSE(cache.enabled());
  cache.Insert("h1", Alice(), Now() + 3600, cache.Generation());
  EXPECT_FALSE(cache.Find("h1").has_value());
}

}  // namespace
}  // namespace vaxreg::accounts
