#pragma once
// Catalogue queries over one connection (db/store.hpp runs them on the pool): rows in, products
// out (their JSON: domain::append_produit_json).
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
std::optional<domain::Produit> find_produit(pqxx::connection& conn, std::int64_t id);

// POST: every required member present.
domain::Produit insert_produit(pqxx::connection& conn, const domain::ProduitInput& in);
// PUT (all members; absent optional ones reset to "") or PATCH (only the members given).
std::optional<domain::Produit> update_produit(pqxx::connection& conn, std::int64_t id,
                                              const domain::ProduitInput& in, bool replace);
bool delete_produit(pqxx::connection& conn, std::int64_t id);

// [{"nom": "Audio", "nombre_produits": 4}, …]
std::vector<domain::Categorie> list_categories(pqxx::connection& conn);

}  // namespace boutique::db
