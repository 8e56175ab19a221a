#include "domain/login_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace boutique::domain {

double decayed_score(const LoginBucket& bucket) {
  const double elapsed = std::max(0.0, bucket.seconds_since_scored);
  return bucket.score * std::exp2(-elapsed / kHalfLifeSeconds);
}

std::optional<long> login_retry_after(const LoginBucket& bucket) {
  const double score = decayed_score(bucket);
  // An attempt counts while it weighs more than half: five quick attempts leave a score a hair
  // under 5 and must be enough.
  if (score < kFreeAttempts - 0.5 || !bucket.seconds_since_admitted) return std::nullopt;
  const double delay = std::min(static_cast<double>(kMaxDelaySeconds),
                                std::exp2(std::clamp(score - kFreeAttempts, 0.0, 30.0)));
  const double wait = delay - std::max(0.0, *bucket.seconds_since_admitted);
  if (wait <= 0) return std::nullopt;
  return static_cast<long>(std::ceil(wait));
}

}  // namespace boutique::domain
