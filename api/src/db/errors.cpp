#include "db/errors.hpp"

namespace boutique::db {

bool is_unavailability(const std::string& sqlstate) {
  return sqlstate.starts_with("08") || sqlstate.starts_with("53") || sqlstate.starts_with("57");
}

bool is_lock_timeout(const std::string& sqlstate) {
  return sqlstate == "55P03";
}

}  // namespace boutique::db
