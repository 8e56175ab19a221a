#pragma once
// What the repositories return: plain data, no libpqxx type, so that http/ can use them without
// including libpqxx (db/store.hpp is the only door http/ has into the database).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/commande.hpp"
#include "domain/produit.hpp"
#include "domain/produit_query.hpp"
#include "domain/utilisateur.hpp"

namespace boutique::db {

// Catalogue
struct ProduitsPage {
  std::vector<domain::Produit> produits;  // this page
  long long total;                        // matching products, all pages
};

// Accounts and sessions
struct UtilisateursPage {
  std::vector<domain::Utilisateur> utilisateurs;  // this page
  long long total = 0;                            // all pages
};
struct LoginRecord {
  domain::Utilisateur user;
  std::string password_hash;
  bool known_device;  // the device token presented was handed to this account
};
// The throttle bucket of every client that presents no known device (db/utilisateurs_repo.hpp).
inline constexpr const char* kUnknownClient = "inconnu";
struct Session {
  std::string expires_at;  // RFC 3339 UTC
};

// Orders
struct IdempotencyKey {
  std::string key;
  std::string request_digest;  // the same key must come with the same request
};
namespace commande_result {
struct Placed {
  domain::Commande commande;
  bool replayed;  // an earlier request with the same Idempotency-Key
};
struct StockShort {
  std::int64_t produit_id;
  std::string nom;
  int disponible;
};
struct ProduitAbsent {
  std::int64_t produit_id;
};
struct KeyReused {};
}  // namespace commande_result
using PlaceResult = std::variant<commande_result::Placed, commande_result::StockShort,
                                 commande_result::ProduitAbsent, commande_result::KeyReused>;

// System
struct ServerFacts {
  std::string server_version;  // SHOW server_version
  int migration_version;
};
struct PoolStats {
  std::size_t size;
  std::size_t in_use;
  std::size_t idle;
};

}  // namespace boutique::db
