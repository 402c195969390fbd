#include "gateway/rate_limit.h"

#include <gtest/gtest.h>

namespace tg::gateway {
namespace {

TEST(RateLimiter, BurstThenRefill) {
  RateLimiter limiter(10, 2);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.AllowAt("k", t0));
  EXPECT_TRUE(limiter.AllowAt("k", t0));
  EXPECT_FALSE(limiter.AllowAt("k", t0));
  EXPECT_TRUE(limiter.AllowAt("other", t0));  // keys are independent
  EXPECT_TRUE(limiter.AllowAt("k", t0 + std::chrono::milliseconds(100)));
  EXPECT_FALSE(limiter.AllowAt("k", t0 + std::chrono::milliseconds(120)));
}

TEST(RateLimiter, NonPositiveRateDisables) {
  RateLimiter limiter(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Allow("k"));
}

}  // namespace
}  // namespace tg::gateway
