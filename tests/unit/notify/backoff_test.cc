// Retry delays: exponential, capped, with jitter that never more than halves a delay.

#include <gtest/gtest.h>

#include "notify/delivery_worker.h"

namespace vaxreg::notify {
namespace {

TEST(BackoffTest, DoublesUpToTheCap) {
  DeliveryOptions o;
  o.backoff_initial = std::chrono::seconds(10);
  o.backoff_max = std::chrono::seconds(300);
  EXPECT_EQ(BackoffDelay(1, o, 0.0).count(), 10);
  EXPECT_EQ(BackoffDelay(2, o, 0.0).count(), 20);
  EXPECT_EQ(BackoffDelay(3, o, 0.0).count(), 40);
  EXPECT_EQ(BackoffDelay(6, o, 0.0).count(), 300);
  EXPECT_EQ(BackoffDelay(1000, o, 0.0).count(), 300);
}

TEST(BackoffTest, JitterTakesAtMostHalf) {
  DeliveryOptions o;
  o.backoff_initial = std::chrono::seconds(10);
  o.backoff_max = std::chrono::seconds(300);
  EXPECT_EQ(BackoffDelay(1, o, 0.999999).count(), 5);
  EXPECT_EQ(BackoffDelay(3, o, 0.5).count(), 30);
  for (int attempt = 1; attempt < 12; ++attempt) {
    for (double u : {0.0, 0.25, 0.5, 0.75, 0.99}) {
      const int64_t full = BackoffDelay(attempt, o, 0.0).count();
      const int64_t d = BackoffDelay(attempt, o, u).count();
      EXPECT_LE(d, full);
      EXPECT_GE(d, full / 2);
    }
  }
  o.backoff_initial = std::chrono::seconds(1);
  EXPECT_GE(BackoffDelay(1, o, 0.99).count(), 1);  // never 0
}

}  // namespace
}  // namespace vaxreg::notify
