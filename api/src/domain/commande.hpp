#pragma once
// Orders: what a valid order request is, and how its total is computed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "domain/field_errors.hpp"
#include "domain/money.hpp"

namespace boutique::domain {

inline constexpr int kMaxQuantite = 1000;
inline constexpr std::size_t kMaxLignes = 100;

struct LigneDemandee {
  std::int64_t produit_id;
  int quantite;
};

// Reads {"lignes": [{"produit_id", "quantite"}]}. Lines naming the same product are merged; the
// result is sorted by produit_id, which is also the order rows are locked in (no deadlocks).
std::vector<LigneDemandee> parse_commande(const nlohmann::json& body, FieldErrors& errors);

// A stable digest input of the request, for Idempotency-Key reuse detection.
std::string canonical_lignes(const std::vector<LigneDemandee>& lignes);

// Σ quantite × prix; nothing on overflow.
std::optional<Cents> line_total(Cents prix_unitaire, int quantite);

// An order as the API shows it: openapi.json's Commande, member for member.
struct LigneCommande {
  std::optional<std::int64_t> produit_id;  // null once the product is deleted
  std::string nom;                         // the product's name when the order was placed
  int quantite = 0;
  Cents prix_unitaire = 0;  // the product's price when the order was placed
};
struct Commande {
  std::int64_t id = 0;
  std::int64_t utilisateur_id = 0;
  std::string statut;      // "validee" or "annulee"
  std::string created_at;  // RFC 3339 UTC, as the database formats it
  std::vector<LigneCommande> lignes;
};

// Σ quantite × prix_unitaire over the lines (the `total` the API shows and the database stores).
Cents commande_total(const Commande& c);

// The one writer of an order's JSON, for a placed order and for the list.
void append_commande_json(std::string& out, const Commande& c);
std::string commande_json(const Commande& c);

}  // namespace boutique::domain
