#include <fmt/format.h>

#include "domain/commande.hpp"
#include "domain/json_text.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"
#include "security/crypto.hpp"

namespace boutique::http {
namespace {

std::optional<db::IdempotencyKey> idempotency_key(
    const Request& req, const std::vector<domain::LigneDemandee>& lignes) {
  const auto key = decode_idempotency_key(req.header("Idempotency-Key"));
  if (!key) return std::nullopt;
  return db::IdempotencyKey{*key, security::token_digest(domain::canonical_lignes(lignes))};
}

}  // namespace

Response Api::create_commande(const Request& req) {
  const auto user = require_user(req);
  domain::FieldErrors errors;
  const auto lignes = domain::parse_commande(req.json_body(), errors);
  if (!errors.empty()) throw validation_failed(std::move(errors));
  const auto idempotency = idempotency_key(req, lignes);

  auto result = store_.place_commande(user.id, lignes, idempotency);

  if (auto* placed = std::get_if<db::commande_result::Placed>(&result)) {
    Response r = json_response(201, domain::commande_json(placed->commande));
    if (placed->replayed) r.header("Idempotent-Replayed", "true");
    return r;
  }
  if (const auto* shortage = std::get_if<db::commande_result::StockShort>(&result)) {
    std::string nom;
    domain::append_json_string(nom, shortage->nom);
    throw Problem(ProblemKind::stock_insuffisant,
                  fmt::format("stock insuffisant pour « {} » : {} disponible(s)", shortage->nom,
                              shortage->disponible))
        .member("produit_id", std::to_string(shortage->produit_id))
        .member("nom", nom)
        .member("stock_disponible", std::to_string(shortage->disponible));
  }
  if (const auto* absent = std::get_if<db::commande_result::ProduitAbsent>(&result)) {
    throw produit_not_found(absent->produit_id)
        .member("produit_id", std::to_string(absent->produit_id));
  }
  throw validation_failed({{"Idempotency-Key", "déjà utilisée pour une autre commande"}});
}

Response Api::list_commandes(const Request& req) {
  const auto user = require_user(req);
  const auto scope = user.is_admin() ? std::nullopt : std::optional(user.id);
  std::string body;
  domain::append_json_array(body, store_.list_commandes(scope), domain::append_commande_json);
  return json_response(200, std::move(body));
}

}  // namespace boutique::http
