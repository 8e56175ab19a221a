#include "db/commandes_repo.hpp"

namespace boutique::db {
namespace {

// The whole order as JSON, built by PostgreSQL (numeric stays exact: 64.90 is written as 64.90).
constexpr const char* kCommandeJson =
    "json_build_object('id', c.id, 'utilisateur_id', c.utilisateur_id, 'statut', c.statut,"
    " 'total', c.total, 'created_at', to_char(c.created_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " 'lignes', (SELECT coalesce(json_agg(json_build_object('produit_id', l.produit_id, 'nom', "
    "l.nom,"
    " 'quantite', l.quantite, 'prix_unitaire', l.prix_unitaire,"
    " 'sous_total', l.prix_unitaire * l.quantite) ORDER BY l.id), '[]'::json)"
    " FROM lignes_commande l WHERE l.commande_id = c.id))::text";

// Rolls the transaction back (by leaving it uncommitted) and carries the outcome out.
struct Abort {
  PlaceResult result;
};

}  // namespace

void prepare_commandes(pqxx::connection& conn) {
  conn.prepare(
      "commandes_insert",
      "INSERT INTO commandes (utilisateur_id, idempotency_key, idempotency_hash)"
      " VALUES ($1, $2, $3) ON CONFLICT (utilisateur_id, idempotency_key) DO NOTHING RETURNING id");
  conn.prepare("commandes_by_key",
               "SELECT id, idempotency_hash FROM commandes WHERE utilisateur_id = $1 AND "
               "idempotency_key = $2");
  conn.prepare("commandes_take_stock",
               "UPDATE produits SET stock = stock - $2, updated_at = now()"
               " WHERE id = $1 AND stock >= $2 RETURNING nom, prix");
  conn.prepare("commandes_stock_of", "SELECT nom, stock FROM produits WHERE id = $1");
  conn.prepare("commandes_insert_ligne",
               "INSERT INTO lignes_commande (commande_id, produit_id, nom, quantite, prix_unitaire)"
               " VALUES ($1, $2, $3, $4, $5::numeric)");
  conn.prepare(
      "commandes_set_total",
      "UPDATE commandes SET total = (SELECT sum(prix_unitaire * quantite) FROM lignes_commande"
      " WHERE commande_id = $1) WHERE id = $1");
  conn.prepare("commandes_get",
               std::string("SELECT ") + kCommandeJson + " FROM commandes c WHERE c.id = $1");
  conn.prepare("commandes_list",
               std::string("SELECT ") + kCommandeJson +
                   " FROM commandes c WHERE ($1::bigint IS NULL OR c.utilisateur_id = $1)"
                   " ORDER BY c.id DESC LIMIT 500");
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
      const auto json = tx.exec_prepared1("commandes_get", earlier[0].as<std::int64_t>());
      return commande_result::Placed{json[0].c_str(), true};
    }
    const auto commande_id = inserted[0][0].as<std::int64_t>();
    // Lines are sorted by product id: rows are locked in one global order, so no deadlock.
    for (const auto& ligne : lignes) {
      const auto taken = tx.exec_prepared("commandes_take_stock", ligne.produit_id, ligne.quantite);
      if (taken.empty()) {
        const auto current = tx.exec_prepared("commandes_stock_of", ligne.produit_id);
        if (current.empty()) throw Abort{commande_result::ProduitAbsent{ligne.produit_id}};
        throw Abort{commande_result::StockShort{ligne.produit_id, current[0][0].c_str(),
                                                current[0][1].as<int>()}};
      }
      tx.exec_prepared("commandes_insert_ligne", commande_id, ligne.produit_id, taken[0][0].c_str(),
                       ligne.quantite, taken[0][1].c_str());
    }
    tx.exec_prepared("commandes_set_total", commande_id);
    const auto json = tx.exec_prepared1("commandes_get", commande_id);
    std::string body = json[0].c_str();
    tx.commit();
    return commande_result::Placed{std::move(body), false};
  } catch (Abort& abort) {
    return std::move(abort.result);
  }
}

std::string list_commandes(pqxx::connection& conn, std::optional<std::int64_t> user_id) {
  pqxx::nontransaction tx(conn);
  const std::optional<std::string> id =
      user_id ? std::optional(std::to_string(*user_id)) : std::nullopt;
  const auto rows = tx.exec_prepared("commandes_list", id ? id->c_str() : nullptr);
  std::string out = "[";
  for (pqxx::result::size_type i = 0; i < rows.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += rows[i][0].c_str();
  }
  out.push_back(']');
  return out;
}

}  // namespace boutique::db
