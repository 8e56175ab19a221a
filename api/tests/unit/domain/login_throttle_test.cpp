#include "domain/login_throttle.hpp"

#include <gtest/gtest.h>

using namespace boutique::domain;

TEST(LoginThrottle, FreeFailuresThenDoublingDelay) {
  EXPECT_FALSE(login_retry_after(4, 0));
  EXPECT_EQ(login_retry_after(5, 0), 1);
  EXPECT_EQ(login_retry_after(6, 0), 2);
  EXPECT_EQ(login_retry_after(8, 3), 5);
  EXPECT_EQ(login_retry_after(40, 0), kMaxDelaySeconds);
}

TEST(LoginThrottle, DelayElapsesAndWindowForgets) {
  EXPECT_FALSE(login_retry_after(6, 2));
  EXPECT_FALSE(login_retry_after(40, kFailureWindowSeconds));
}
