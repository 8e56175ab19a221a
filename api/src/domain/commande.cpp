#include "domain/commande.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "domain/json_text.hpp"

namespace boutique::domain {

std::vector<LigneDemandee> parse_commande(const nlohmann::json& body, FieldErrors& errors) {
  std::vector<LigneDemandee> lignes;
  if (!body.is_object()) {
    errors["corps"] = "doit être un objet JSON";
    return lignes;
  }
  const auto it = body.find("lignes");
  if (it == body.end() || !it->is_array() || it->empty()) {
    errors["lignes"] = "doit être une liste non vide de {produit_id, quantite}";
    return lignes;
  }
  if (it->size() > kMaxLignes) {
    errors["lignes"] = "au plus " + std::to_string(kMaxLignes) + " lignes par commande";
    return lignes;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& l = (*it)[i];
    const std::string prefix = "lignes[" + std::to_string(i) + "]";
    if (!l.is_object()) {
      errors[prefix] = "doit être un objet {produit_id, quantite}";
      continue;
    }
    const auto id = l.find("produit_id");
    const auto qty = l.find("quantite");
    bool ok = true;
    if (id == l.end() || !id->is_number_integer() || id->get<std::int64_t>() < 1) {
      errors[prefix + ".produit_id"] = "doit être un identifiant entier positif";
      ok = false;
    }
    if (qty == l.end() || !qty->is_number_integer() || qty->get<std::int64_t>() < 1 ||
        qty->get<std::int64_t>() > kMaxQuantite) {
      errors[prefix + ".quantite"] =
          "doit être un entier entre 1 et " + std::to_string(kMaxQuantite);
      ok = false;
    }
    if (ok) {
      lignes.push_back({id->get<std::int64_t>(), static_cast<int>(qty->get<std::int64_t>())});
    }
  }
  std::sort(lignes.begin(), lignes.end(),
            [](const auto& a, const auto& b) { return a.produit_id < b.produit_id; });
  std::vector<LigneDemandee> merged;
  for (const auto& l : lignes) {
    if (!merged.empty() && merged.back().produit_id == l.produit_id) {
      merged.back().quantite += l.quantite;
      if (merged.back().quantite > kMaxQuantite) {
        errors["lignes"] = "quantité totale par produit limitée à " + std::to_string(kMaxQuantite);
      }
    } else {
      merged.push_back(l);
    }
  }
  return merged;
}

std::string canonical_lignes(const std::vector<LigneDemandee>& lignes) {
  std::string out;
  for (const auto& l : lignes) {
    out += std::to_string(l.produit_id) + ":" + std::to_string(l.quantite) + ";";
  }
  return out;
}

std::optional<Cents> line_total(Cents prix_unitaire, int quantite) {
  Cents total = 0;
  if (__builtin_mul_overflow(prix_unitaire, static_cast<Cents>(quantite), &total))
    return std::nullopt;
  return total;
}

Cents commande_total(const Commande& c) {
  Cents total = 0;
  // At most kMaxLignes × kMaxQuantite × kMaxPrixCents = 10^13 cents: no overflow.
  for (const auto& l : c.lignes) total += l.prix_unitaire * l.quantite;
  return total;
}

void append_commande_json(std::string& out, const Commande& c) {
  out += "{\"id\":";
  out += std::to_string(c.id);
  out += ",\"utilisateur_id\":";
  out += std::to_string(c.utilisateur_id);
  out += ",\"statut\":";
  append_json_string(out, c.statut);
  out += ",\"total\":";
  append_money(out, commande_total(c));
  out += ",\"created_at\":";
  append_json_string(out, c.created_at);
  out += ",\"lignes\":";
  append_json_array(out, c.lignes, [](std::string& o, const LigneCommande& l) {
    o += "{\"produit_id\":";
    o += l.produit_id ? std::to_string(*l.produit_id) : "null";
    o += ",\"nom\":";
    append_json_string(o, l.nom);
    o += ",\"quantite\":";
    o += std::to_string(l.quantite);
    o += ",\"prix_unitaire\":";
    append_money(o, l.prix_unitaire);
    o += ",\"sous_total\":";
    append_money(o, l.prix_unitaire * l.quantite);
    o.push_back('}');
  });
  out.push_back('}');
}

std::string commande_json(const Commande& c) {
  std::string out;
  out.reserve(160 + c.lignes.size() * 120);
  append_commande_json(out, c);
  return out;
}

}  // namespace boutique::domain
