#pragma once
// Slowing down repeated failed logins for one account.
#include <optional>

namespace boutique::domain {

inline constexpr int kFreeFailures = 5;             // failures before any delay
inline constexpr long kFailureWindowSeconds = 900;  // failures older than this are forgotten
inline constexpr long kMaxDelaySeconds = 900;

// Given the consecutive failures recorded for an account and the seconds since the last one,
// returns how many seconds the client must wait before the next attempt (nothing: go ahead).
// After kFreeFailures failures the delay doubles with each failure: 1, 2, 4 … up to 15 min.
std::optional<long> login_retry_after(int failures, long seconds_since_last_failure);

}  // namespace boutique::domain
