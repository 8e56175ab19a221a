#pragma once
// Catalogue queries over one connection (db/store.hpp runs them on the pool). JSON is written
// straight from the rows (no DOM) — this is the hot path.
#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "db/records.hpp"
#include "domain/produit.hpp"
#include "domain/produit_query.hpp"

namespace boutique::db {

void prepare_produits(pqxx::connection& conn);

ProduitsPage list_produits(pqxx::connection& conn, const domain::ProduitQuery& query);
std::optional<std::string> find_produit(pqxx::connection& conn, std::int64_t id);

// POST: every required member present.
Created insert_produit(pqxx::connection& conn, const domain::ProduitInput& in);
// PUT (all members; absent optional ones reset to "") or PATCH (only the members given).
std::optional<std::string> update_produit(pqxx::connection& conn, std::int64_t id,
                                          const domain::ProduitInput& in, bool replace);
bool delete_produit(pqxx::connection& conn, std::int64_t id);

// [{"nom": "Audio", "nombre_produits": 4}, …]
std::string list_categories(pqxx::connection& conn);

}  // namespace boutique::db
