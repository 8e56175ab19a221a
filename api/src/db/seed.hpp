#pragma once
#include <stdexcept>

#include <pqxx/pqxx>

#include "app/config.hpp"

namespace boutique::db {

// Demo data (BOUTIQUE_SEED_DEMO=1): the catalogue when it is empty, and the demo admin and customer
// accounts when they do not exist. A password not given in the environment is generated and
// logged once, when the account is created. Runs under the migration lock.
// Throws SeedConflict when the admin's email (BOUTIQUE_ADMIN_EMAIL) belongs to an account that is
// not an admin: a configuration error that retrying cannot fix.
void seed_demo(pqxx::connection& conn, const app::Config& config);

class SeedConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace boutique::db
