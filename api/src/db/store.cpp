#include "db/store.hpp"

#include "db/commandes_repo.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "db/produits_repo.hpp"
#include "db/statements.hpp"
#include "db/utilisateurs_repo.hpp"

namespace boutique::db {

void prepare_statements(pqxx::connection& conn) {
  prepare_produits(conn);
  prepare_utilisateurs(conn);
  prepare_commandes(conn);
}

ProduitsPage Store::list_produits(const domain::ProduitQuery& query) {
  return pool_.run([&](pqxx::connection& c) { return db::list_produits(c, query); });
}
std::optional<domain::Produit> Store::find_produit(std::int64_t id) {
  return pool_.run([&](pqxx::connection& c) { return db::find_produit(c, id); });
}
domain::Produit Store::insert_produit(const domain::ProduitInput& in) {
  auto created = pool_.run([&](pqxx::connection& c) { return db::insert_produit(c, in); });
  changed();
  return created;
}
std::optional<domain::Produit> Store::update_produit(std::int64_t id,
                                                     const domain::ProduitInput& in, bool replace) {
  auto produit =
      pool_.run([&](pqxx::connection& c) { return db::update_produit(c, id, in, replace); });
  if (produit) changed();
  return produit;
}
bool Store::delete_produit(std::int64_t id) {
  const bool deleted = pool_.run([&](pqxx::connection& c) { return db::delete_produit(c, id); });
  if (deleted) changed();
  return deleted;
}
std::vector<domain::Categorie> Store::list_categories() {
  return pool_.run([](pqxx::connection& c) { return db::list_categories(c); });
}

UtilisateursPage Store::list_utilisateurs(const domain::Page& page) {
  return pool_.run([&](pqxx::connection& c) { return db::list_utilisateurs(c, page); });
}
std::optional<domain::Utilisateur> Store::find_utilisateur(std::int64_t id) {
  return pool_.run([&](pqxx::connection& c) { return db::find_utilisateur(c, id); });
}
bool Store::email_taken(const std::string& email) {
  return pool_.run([&](pqxx::connection& c) { return db::email_taken(c, email); });
}
std::optional<domain::Utilisateur> Store::insert_utilisateur(const std::string& nom,
                                                             const std::string& email,
                                                             const std::string& role,
                                                             const std::string& password_hash) {
  return pool_.run([&](pqxx::connection& c) {
    return db::insert_utilisateur(c, nom, email, role, password_hash);
  });
}
std::optional<LoginRecord> Store::find_login(const std::string& email,
                                             const std::string& device_digest) {
  return pool_.run([&](pqxx::connection& c) { return db::find_login(c, email, device_digest); });
}
std::optional<long> Store::reserve_login_attempt(std::int64_t user_id, const std::string& client) {
  return pool_.run(
      [&](pqxx::connection& c) { return db::reserve_login_attempt(c, user_id, client); });
}
Session Store::open_session(std::int64_t user_id, const std::string& token_digest,
                            const std::string& client, const std::string& device_digest) {
  return pool_.run([&](pqxx::connection& c) {
    return db::open_session(c, user_id, token_digest, client, device_digest);
  });
}
std::optional<domain::Utilisateur> Store::session_user(const std::string& token_digest) {
  return pool_.run([&](pqxx::connection& c) { return db::session_user(c, token_digest); });
}
void Store::update_password_hash(std::int64_t user_id, const std::string& hash) {
  pool_.run([&](pqxx::connection& c) { db::update_password_hash(c, user_id, hash); });
}
void Store::close_session(const std::string& token_digest) {
  pool_.run([&](pqxx::connection& c) { db::close_session(c, token_digest); });
}

PlaceResult Store::place_commande(std::int64_t user_id,
                                  const std::vector<domain::LigneDemandee>& lignes,
                                  const std::optional<IdempotencyKey>& idempotency) {
  // Stock changes, the catalogue does not: no invalidation (http/list_cache.hpp, kMaxAge).
  return pool_.run(
      [&](pqxx::connection& c) { return db::place_commande(c, user_id, lignes, idempotency); });
}
std::vector<domain::Commande> Store::list_commandes(std::optional<std::int64_t> user_id) {
  return pool_.run([&](pqxx::connection& c) { return db::list_commandes(c, user_id); });
}

ServerFacts Store::server_facts() {
  return pool_.run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    auto version = tx.exec1("SHOW server_version")[0].as<std::string>();
    tx.commit();
    return ServerFacts{std::move(version), current_migration_version(c)};
  });
}
int Store::migration_version() {
  return pool_.run([](pqxx::connection& c) { return current_migration_version(c); });
}
PoolStats Store::pool_stats() const {
  return pool_.stats();
}

}  // namespace boutique::db
