#include "domain/login_throttle.hpp"

#include <gtest/gtest.h>

#include <iostream>

using namespace boutique::domain;

namespace {

LoginBucket bucket(double score, double since_admitted) {
  return {.score = score,
          .seconds_since_scored = since_admitted,
          .seconds_since_admitted = since_admitted};
}

}  // namespace

TEST(LoginThrottle, FreeAttemptsThenDoublingDelay) {
  EXPECT_FALSE(login_retry_after({}));
  EXPECT_FALSE(login_retry_after(bucket(4, 0)));
  EXPECT_EQ(login_retry_after(bucket(5, 0)), 1);
  EXPECT_EQ(login_retry_after(bucket(4.9999, 0)), 1) << "five quick attempts, a hair decayed";
  EXPECT_EQ(login_retry_after(bucket(6, 0)), 2);
  EXPECT_EQ(login_retry_after(bucket(8, 3)), 5);
  EXPECT_EQ(login_retry_after(bucket(40, 0)), kMaxDelaySeconds);
  EXPECT_FALSE(login_retry_after(bucket(6, 2))) << "the delay has passed";
}

TEST(LoginThrottle, ScoreDecaysOverHoursNotAtAFixedWindow) {
  EXPECT_DOUBLE_EQ(
      decayed_score(
          {.score = 12, .seconds_since_scored = kHalfLifeSeconds, .seconds_since_admitted = {}}),
      6);
  EXPECT_DOUBLE_EQ(decayed_score({.score = 12,
                                  .seconds_since_scored = 2 * kHalfLifeSeconds,
                                  .seconds_since_admitted = {}}),
                   3);
  // Under the old 15-minute window a delay never passed 512 s; now 20 attempts still weigh
  // after an hour: the delay is near its cap.
  const auto wait =
      login_retry_after({.score = 20, .seconds_since_scored = 3600, .seconds_since_admitted = 0});
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, kMaxDelaySeconds);
}

// A patient attacker who tries again the second the delay allows, for a day, on one bucket: the
// policy this replaced let ~1,000 guesses through; this one about 50.
TEST(LoginThrottle, APacedAttackerGetsFewGuessesADay) {
  double score = 0, scored_at = 0, now = 0;
  std::optional<double> admitted_at;
  int guesses = 0;
  while (now < 86400) {
    const LoginBucket b{score, now - scored_at,
                        admitted_at ? std::optional(now - *admitted_at) : std::nullopt};
    if (const auto wait = login_retry_after(b)) {
      now += static_cast<double>(*wait);
      continue;
    }
    score = decayed_score(b) + 1;
    scored_at = now;
    admitted_at = now;
    ++guesses;
    now += 0.1;
  }
  EXPECT_GT(guesses, kFreeAttempts);
  EXPECT_LT(guesses, 80) << "guesses per day";
  std::cout << "paced attacker, one bucket: " << guesses << " guesses in 24 h\n";
}
