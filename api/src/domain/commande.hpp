#pragma once
// Orders: what a valid order request is, and how its total is computed.
#include <cstdint>
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

}  // namespace boutique::domain
