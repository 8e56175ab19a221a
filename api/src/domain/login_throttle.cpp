#include "domain/login_throttle.hpp"

#include <algorithm>

namespace boutique::domain {

std::optional<long> login_retry_after(int failures, long seconds_since_last_failure) {
  if (failures < kFreeFailures || seconds_since_last_failure >= kFailureWindowSeconds) {
    return std::nullopt;
  }
  const int exponent = std::min(failures - kFreeFailures, 20);
  const long delay = std::min(kMaxDelaySeconds, 1L << exponent);
  if (seconds_since_last_failure >= delay) return std::nullopt;
  return delay - std::max(0L, seconds_since_last_failure);
}

}  // namespace boutique::domain
