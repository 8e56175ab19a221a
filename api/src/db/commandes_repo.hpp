#pragma once
// Orders, over one connection (db/store.hpp runs them on the pool): one transaction, conditional
// stock decrements, captured prices, idempotent retries.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <pqxx/pqxx>

#include "db/records.hpp"
#include "domain/commande.hpp"

namespace boutique::db {

void prepare_commandes(pqxx::connection& conn);

PlaceResult place_commande(pqxx::connection& conn, std::int64_t user_id,
                           const std::vector<domain::LigneDemandee>& lignes,
                           const std::optional<IdempotencyKey>& idempotency);

// The user's orders, newest first (all users' when user_id is empty); at most 500.
std::vector<domain::Commande> list_commandes(pqxx::connection& conn,
                                             std::optional<std::int64_t> user_id);

}  // namespace boutique::db
