#pragma once
// Versioned schema migrations (api/migrations/NNN_name.sql, compiled in), applied in order under a
// PostgreSQL advisory lock so that replicas starting together apply each one exactly once.
#include <functional>

#include <pqxx/pqxx>

namespace boutique::db {

// The highest version recorded in the database (0 when none).
int current_migration_version(pqxx::connection& conn);

// Applies pending migrations, each in its own transaction with its row in schema_migrations.
// `then` runs while the lock is still held (seeding demo data). Returns the number applied.
int migrate(pqxx::connection& conn, const std::function<void(pqxx::connection&)>& then = {});

}  // namespace boutique::db
