#pragma once
// Slowing down password guessing, per account and per client (docs/security.md).
//
// Each account keeps one bucket per known device (a device token the API handed out at an earlier
// successful login) and one bucket for every other client. A bucket's score counts the attempts it
// let through, decaying by half every kHalfLifeSeconds; a successful login empties the bucket it
// used. So a stranger guessing an account only fills the unknown-clients bucket: its owner, on a
// device it has logged in from before, still gets in at once.
#include <optional>

namespace boutique::domain {

inline constexpr double kFreeAttempts = 5;              // attempts before any delay
inline constexpr double kHalfLifeSeconds = 6 * 3600.0;  // the score halves in 6 hours
inline constexpr long kMaxDelaySeconds = 3600;

// What a bucket holds: the score and how long ago it had that value, and how long ago the bucket
// last let an attempt through (nothing: never).
struct LoginBucket {
  double score = 0;
  double seconds_since_scored = 0;
  std::optional<double> seconds_since_admitted;
};

// The score now, after the decay since it was last written.
double decayed_score(const LoginBucket& bucket);

// Nothing: the attempt may go ahead, and the bucket's score becomes decayed_score + 1. Else the
// whole seconds to wait. From a score of kFreeAttempts (less half an attempt) on, the delay after
// the last admitted attempt is 2^(score - kFreeAttempts) seconds (1, 2, 4 …), at most
// kMaxDelaySeconds.
std::optional<long> login_retry_after(const LoginBucket& bucket);

}  // namespace boutique::domain
