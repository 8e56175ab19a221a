#pragma once
// Prepares every repository's statements on a new connection: the pool's Prepare, and the
// migration connection (seeding uses the repositories). Preparation is lazy: no SQL runs yet.
#include <pqxx/pqxx>

namespace boutique::db {

void prepare_statements(pqxx::connection& conn);

}  // namespace boutique::db
