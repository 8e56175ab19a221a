#include "db/commandes_repo.hpp"

#include <algorithm>
#include <stdexcept>

namespace boutique::db {
namespace {

// created_at as RFC 3339 UTC, of the table or alias `table`.
std::string created_at(const char* table) {
  return std::string("to_char(") + table +
         ".created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

// Orders and their lines, one row per line (one row with NULL line columns for an order without
// any): c.id, c.utilisateur_id, c.statut, created_at, l.id, l.produit_id, l.nom, l.quantite,
// l.prix_unitaire. `commandes` is the orders to read, aliased c.
std::string commande_rows(const std::string& commandes) {
  return "SELECT c.id, c.utilisateur_id, c.statut, " + created_at("c") +
         ", l.id, l.produit_id, l.nom, l.quantite, l.prix_unitaire::text FROM " + commandes +
         " LEFT JOIN lignes_commande l ON l.commande_id = c.id";
}

domain::Cents money_column(const pqxx::field& f) {
  // numeric(12,2) as text ("64.90"): exact; the column's CHECK keeps it in parse_money's range.
  const auto cents = domain::parse_money(f.c_str());
  if (!cents) throw std::runtime_error(std::string("price out of range: ") + f.c_str());
  return *cents;
}

// Rows of commande_rows, grouped by order in the order they come.
std::vector<domain::Commande> from_rows(const pqxx::result& rows) {
  std::vector<domain::Commande> out;
  for (const auto& r : rows) {
    const auto id = r[0].as<std::int64_t>();
    if (out.empty() || out.back().id != id) {
      domain::Commande c;
      c.id = id;
      c.utilisateur_id = r[1].as<std::int64_t>();
      c.statut = r[2].c_str();
      c.created_at = r[3].c_str();
      out.push_back(std::move(c));
    }
    if (r[4].is_null()) continue;  // an order without lines
    domain::LigneCommande l;
    if (!r[5].is_null()) l.produit_id = r[5].as<std::int64_t>();
    l.nom = r[6].c_str();
    l.quantite = r[7].as<int>();
    l.prix_unitaire = money_column(r[8]);
    out.back().lignes.push_back(std::move(l));
  }
  return out;
}

// Rolls the transaction back (by leaving it uncommitted) and carries the outcome out.
struct Abort {
  PlaceResult result;
};

}  // namespace

void prepare_commandes(pqxx::connection& conn) {
  conn.prepare("commandes_insert",
               "INSERT INTO commandes (utilisateur_id, idempotency_key, idempotency_hash)"
               " VALUES ($1, $2, $3) ON CONFLICT (utilisateur_id, idempotency_key) DO NOTHING"
               " RETURNING id, statut, " +
                   created_at("commandes"));
  conn.prepare("commandes_by_key",
               "SELECT id, idempotency_hash FROM commandes WHERE utilisateur_id = $1 AND "
               "idempotency_key = $2");
  // Every line in one statement, with the product's name and price as they are now, and the
  // order's total from them: $1 the order, $2 and $3 the product ids and quantities (arrays).
  conn.prepare("commandes_insert_lignes",
               "WITH l AS (INSERT INTO lignes_commande"
               " (commande_id, produit_id, nom, quantite, prix_unitaire)"
               " SELECT $1, p.id, p.nom, d.quantite, p.prix"
               " FROM unnest($2::bigint[], $3::int[]) AS d(produit_id, quantite)"
               " JOIN produits p ON p.id = d.produit_id ORDER BY p.id"
               " RETURNING produit_id, nom, quantite, prix_unitaire),"
               " t AS (UPDATE commandes SET total ="
               " (SELECT coalesce(sum(prix_unitaire * quantite), 0) FROM l) WHERE id = $1)"
               " SELECT produit_id, nom, quantite, prix_unitaire::text FROM l ORDER BY produit_id");
  conn.prepare("commandes_take_stock",
               "UPDATE produits SET stock = stock - $2, updated_at = now()"
               " WHERE id = $1 AND stock >= $2");
  conn.prepare("commandes_stock_of", "SELECT nom, stock FROM produits WHERE id = $1");
  conn.prepare("commandes_get", commande_rows("commandes c") + " WHERE c.id = $1 ORDER BY l.id");
  conn.prepare("commandes_list",
               commande_rows("(SELECT * FROM commandes WHERE ($1::bigint IS NULL OR "
                             "utilisateur_id = $1) ORDER BY id DESC LIMIT 500) c") +
                   " ORDER BY c.id DESC, l.id");
}

PlaceResult place_commande(pqxx::connection& conn, std::int64_t user_id,
                           const std::vector<domain::LigneDemandee>& lignes,
                           const std::optional<IdempotencyKey>& idempotency) {
  try {
    pqxx::work tx(conn);
    const char* key = idempotency ? idempotency->key.c_str() : nullptr;
    const char* digest = idempotency ? idempotency->request_digest.c_str() : nullptr;
    // With a key, a concurrent request carrying the same key waits here on the unique index until
    // this transaction ends, then sees the committed order.
    const auto inserted = tx.exec_prepared("commandes_insert", user_id, key, digest);
    if (inserted.empty()) {
      const auto earlier = tx.exec_prepared1("commandes_by_key", user_id, key);
      if (earlier[1].c_str() != idempotency->request_digest) return commande_result::KeyReused{};
      auto found = from_rows(tx.exec_prepared("commandes_get", earlier[0].as<std::int64_t>()));
      return commande_result::Placed{std::move(found.at(0)), true};
    }
    domain::Commande commande;
    commande.id = inserted[0][0].as<std::int64_t>();
    commande.utilisateur_id = user_id;
    commande.statut = inserted[0][1].c_str();
    commande.created_at = inserted[0][2].c_str();
    // The lines first, with the prices and names they are placed at; the stock last: the hot rows
    // are locked from their decrement to the commit only (one statement and the commit, whose
    // WAL flush is the long part), not through the writes that do not need them.
    std::string ids = "{", quantites = "{";
    for (const auto& ligne : lignes) {
      ids += (ids.size() > 1 ? "," : "") + std::to_string(ligne.produit_id);
      quantites += (quantites.size() > 1 ? "," : "") + std::to_string(ligne.quantite);
    }
    ids += "}";
    quantites += "}";
    const auto written = tx.exec_prepared("commandes_insert_lignes", commande.id, ids, quantites);
    for (const auto& row : written)
      commande.lignes.push_back(
          {row[0].as<std::int64_t>(), row[1].c_str(), row[2].as<int>(), money_column(row[3])});
    for (const auto& ligne : lignes) {
      const bool written_for = std::any_of(
          commande.lignes.begin(), commande.lignes.end(),
          [&](const domain::LigneCommande& l) { return l.produit_id == ligne.produit_id; });
      if (!written_for) throw Abort{commande_result::ProduitAbsent{ligne.produit_id}};
    }
    // Lines are sorted by product id: rows are locked in one global order, so no deadlock.
    for (const auto& ligne : lignes) {
      const auto taken = tx.exec_prepared("commandes_take_stock", ligne.produit_id, ligne.quantite);
      if (taken.affected_rows() == 0) {
        const auto current = tx.exec_prepared("commandes_stock_of", ligne.produit_id);
        if (current.empty()) throw Abort{commande_result::ProduitAbsent{ligne.produit_id}};
        throw Abort{commande_result::StockShort{ligne.produit_id, current[0][0].c_str(),
                                                current[0][1].as<int>()}};
      }
    }
    tx.commit();
    return commande_result::Placed{std::move(commande), false};
  } catch (Abort& abort) {
    return std::move(abort.result);
  }
}

std::vector<domain::Commande> list_commandes(pqxx::connection& conn,
                                             std::optional<std::int64_t> user_id) {
  pqxx::nontransaction tx(conn);
  const std::optional<std::string> id =
      user_id ? std::optional(std::to_string(*user_id)) : std::nullopt;
  return from_rows(tx.exec_prepared("commandes_list", id ? id->c_str() : nullptr));
}

}  // namespace boutique::db
