#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace boutique::db {

// PostgreSQL cannot be used right now (down, restarting, unreachable, pool exhausted, too slow, or
// the rows are locked by others past lock_timeout). Mapped to 503 + Retry-After by the HTTP layer;
// the next request tries again.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Any other error PostgreSQL reported for a statement (a bug or a broken invariant, not the
// caller's input: that is checked before the query). Mapped to 500 and logged with its SQLSTATE.
class QueryFailed : public std::runtime_error {
 public:
  QueryFailed(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// True for SQLSTATE classes that mean "the server, not the query, is the problem":
// 08 connection, 53 insufficient resources, 57 operator intervention (shutdown, statement timeout).
bool is_unavailability(const std::string& sqlstate);
// 55P03 lock not available (lock_timeout passed).
bool is_lock_timeout(const std::string& sqlstate);

}  // namespace boutique::db
