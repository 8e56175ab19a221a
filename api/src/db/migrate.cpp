#include "db/migrate.hpp"

#include "app/log.hpp"
#include "db/embedded.hpp"

namespace boutique::db {
namespace {

// pg_advisory_lock key: "boutique" folded into 63 bits.
constexpr long long kMigrationLock = 0x626f757469717565LL & 0x7fffffffffffffffLL;

class AdvisoryLock {
 public:
  explicit AdvisoryLock(pqxx::connection& conn) : conn_(conn) {
    pqxx::nontransaction tx(conn_);
    tx.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")");
  }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;
  ~AdvisoryLock() {
    try {
      pqxx::nontransaction tx(conn_);
      tx.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
    } catch (...) {
      // The connection is gone: PostgreSQL released the session lock with it.
    }
  }

 private:
  pqxx::connection& conn_;
};

}  // namespace

int current_migration_version(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  const auto exists = tx.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>();
  if (!exists) return 0;
  const auto row = tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations");
  return row[0].as<int>();
}

int migrate(pqxx::connection& conn, const std::function<void(pqxx::connection&)>& then) {
  AdvisoryLock lock(conn);
  {
    pqxx::work tx(conn);
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }
  const int current = current_migration_version(conn);
  int applied = 0;
  for (const auto& m : embedded::migrations()) {
    if (m.version <= current) continue;
    pqxx::work tx(conn);
    tx.exec(std::string(m.sql));
    tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                   std::string(m.name));
    tx.commit();
    ++applied;
    app::log::info("migration applied").num("version", m.version).str("name", m.name);
  }
  if (current > embedded::latest_migration_version()) {
    app::log::warn("database schema is newer than this binary")
        .num("database_version", current)
        .num("binary_version", embedded::latest_migration_version());
  }
  if (then) then(conn);
  return applied;
}

}  // namespace boutique::db
