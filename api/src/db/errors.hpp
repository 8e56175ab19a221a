#pragma once
#include <stdexcept>
#include <string>

namespace pqxx {
class failure;
}

namespace boutique::db {

// PostgreSQL cannot be used right now (down, restarting, unreachable, pool exhausted, too slow).
// Mapped to 503 by the HTTP layer; the next request tries again.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True for SQLSTATE classes that mean "the server, not the query, is the problem":
// 08 connection, 53 insufficient resources, 57 operator intervention (shutdown, statement timeout).
bool is_unavailability(const std::string& sqlstate);

}  // namespace boutique::db
