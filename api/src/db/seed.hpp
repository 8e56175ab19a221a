#pragma once
#include <pqxx/pqxx>

#include "app/config.hpp"

namespace boutique::db {

// Demo data (BOUTIQUE_SEED_DEMO=1): the catalogue when it is empty, and the demo admin and customer
// accounts when they do not exist. A password not given in the environment is generated and
// logged once, when the account is created. Runs under the migration lock.
void seed_demo(pqxx::connection& conn, const app::Config& config);

}  // namespace boutique::db
