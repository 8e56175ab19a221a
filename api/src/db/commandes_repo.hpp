#pragma once
// Orders: one transaction, conditional stock decrements, captured prices, idempotent retries.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <pqxx/pqxx>

#include "domain/commande.hpp"

namespace boutique::db {

void prepare_commandes(pqxx::connection& conn);

struct IdempotencyKey {
  std::string key;
  std::string request_digest;  // the same key must come with the same request
};

namespace commande_result {
struct Placed {
  std::string json;
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

PlaceResult place_commande(pqxx::connection& conn, std::int64_t user_id,
                           const std::vector<domain::LigneDemandee>& lignes,
                           const std::optional<IdempotencyKey>& idempotency);

// The user's orders, newest first (all users' when user_id is empty); at most 500.
std::string list_commandes(pqxx::connection& conn, std::optional<std::int64_t> user_id);

}  // namespace boutique::db
