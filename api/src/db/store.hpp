#pragma once
// The database as http/ sees it: one call per operation, each run on a pooled connection
// (Pool::run: a dropped connection is replaced and the call retried once). Failures arrive as
// db::Unavailable (503) or db::QueryFailed (500, logged with its SQLSTATE): no libpqxx type or
// exception crosses this line, so http/ never includes libpqxx.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/records.hpp"
#include "domain/commande.hpp"
#include "domain/produit.hpp"
#include "domain/produit_query.hpp"
#include "domain/utilisateur.hpp"

namespace boutique::db {

class Pool;

class Store {
 public:
  // catalogue_changed runs after every write that changes the catalogue (a product created,
  // replaced, patched or deleted), on this replica: the one place the list cache is invalidated
  // from (other replicas learn it by NOTIFY, db/listener.hpp). Orders change only stock, which the
  // cache's maximum age keeps fresh (http/list_cache.hpp).
  Store(Pool& pool, std::function<void()> catalogue_changed)
      : pool_(pool), catalogue_changed_(std::move(catalogue_changed)) {}

  // Catalogue (produits_repo.hpp)
  ProduitsPage list_produits(const domain::ProduitQuery& query);
  std::optional<domain::Produit> find_produit(std::int64_t id);
  domain::Produit insert_produit(const domain::ProduitInput& in);
  std::optional<domain::Produit> update_produit(std::int64_t id, const domain::ProduitInput& in,
                                                bool replace);
  bool delete_produit(std::int64_t id);
  std::vector<domain::Categorie> list_categories();

  // Accounts and sessions (utilisateurs_repo.hpp)
  UtilisateursPage list_utilisateurs(const domain::Page& page);
  std::optional<domain::Utilisateur> find_utilisateur(std::int64_t id);
  bool email_taken(const std::string& email);
  std::optional<domain::Utilisateur> insert_utilisateur(const std::string& nom,
                                                        const std::string& email,
                                                        const std::string& role,
                                                        const std::string& password_hash);
  std::optional<LoginRecord> find_login(const std::string& email, const std::string& device_digest);
  std::optional<long> reserve_login_attempt(std::int64_t user_id, const std::string& client);
  Session open_session(std::int64_t user_id, const std::string& token_digest,
                       const std::string& client, const std::string& device_digest);
  std::optional<domain::Utilisateur> session_user(const std::string& token_digest);
  void close_session(const std::string& token_digest);
  void update_password_hash(std::int64_t user_id, const std::string& hash);

  // Orders (commandes_repo.hpp)
  PlaceResult place_commande(std::int64_t user_id, const std::vector<domain::LigneDemandee>& lignes,
                             const std::optional<IdempotencyKey>& idempotency);
  std::vector<domain::Commande> list_commandes(std::optional<std::int64_t> user_id);

  // System
  ServerFacts server_facts();  // the server's version and the schema's migration version
  int migration_version();
  PoolStats pool_stats() const;

 private:
  void changed() const {
    if (catalogue_changed_) catalogue_changed_();
  }

  Pool& pool_;
  const std::function<void()> catalogue_changed_;
};

}  // namespace boutique::db
