#include "domain/produit.hpp"

#include <nlohmann/json.hpp>

#include "domain/json_text.hpp"

namespace boutique::domain {
namespace {

std::optional<std::string> text_field(const nlohmann::json& body, const char* name,
                                      std::size_t min_len, std::size_t max_len,
                                      FieldErrors& errors) {
  const auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->is_string()) {
    errors[name] = "doit être une chaîne de caractères";
    return std::nullopt;
  }
  auto value = it->get<std::string>();
  const auto first = value.find_first_not_of(" \t\r\n");
  const auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string::npos ? std::string{} : value.substr(first, last - first + 1);
  const auto len = utf8_length(value);
  if (len < min_len) {
    errors[name] = "est obligatoire";
  } else if (len > max_len) {
    errors[name] = "ne doit pas dépasser " + std::to_string(max_len) + " caractères";
  } else if (value.find_first_of(std::string_view("\0", 1)) != std::string::npos) {
    errors[name] = "contient un caractère interdit";
  } else {
    return value;
  }
  return std::nullopt;
}

std::optional<Cents> prix_field(const nlohmann::json& body, FieldErrors& errors) {
  const auto it = body.find("prix");
  if (it == body.end()) return std::nullopt;
  std::optional<Cents> cents;
  if (it->is_number_integer() || it->is_number_unsigned()) {
    if (it->is_number_unsigned() || it->get<std::int64_t>() >= 0) {
      const auto whole = it->get<std::uint64_t>();
      if (whole <= static_cast<std::uint64_t>(kMaxPrixCents / 100))
        cents = static_cast<Cents>(whole) * 100;
    }
  } else if (it->is_number_float()) {
    cents = money_from_double(it->get<double>());
  } else if (it->is_string()) {
    cents = parse_money(it->get<std::string>());
  }
  if (!cents || *cents > kMaxPrixCents) {
    errors["prix"] = "doit être un montant entre 0 et 1000000 avec au plus 2 décimales";
    return std::nullopt;
  }
  return cents;
}

std::optional<int> stock_field(const nlohmann::json& body, FieldErrors& errors) {
  const auto it = body.find("stock");
  if (it == body.end()) return std::nullopt;
  if ((it->is_number_integer() || it->is_number_unsigned()) && it->get<std::int64_t>() >= 0 &&
      it->get<std::int64_t>() <= kMaxStock) {
    return static_cast<int>(it->get<std::int64_t>());
  }
  errors["stock"] = "doit être un entier entre 0 et " + std::to_string(kMaxStock);
  return std::nullopt;
}

bool acceptable_image_url(const std::string& url) {
  if (url.empty()) return true;
  if (url.find_first_of(" \"'<>\\") != std::string::npos) return false;
  // "//host/x" is another site's address without a scheme, not a path of this one.
  return (url.starts_with("/") && !url.starts_with("//")) || url.starts_with("https://") ||
         url.starts_with("http://");
}

}  // namespace

ProduitInput parse_produit(const nlohmann::json& body, Completeness completeness,
                           FieldErrors& errors) {
  ProduitInput in;
  if (!body.is_object()) {
    errors["corps"] = "doit être un objet JSON";
    return in;
  }
  for (const auto& [key, value] : body.items()) {
    static constexpr std::string_view known[] = {"nom",   "categorie",   "prix",
                                                 "stock", "description", "image_url",
                                                 "id",    "created_at",  "updated_at"};
    bool found = false;
    for (const auto k : known) found = found || key == k;
    if (!found) errors[key] = "champ inconnu";
  }
  in.nom = text_field(body, "nom", 1, 200, errors);
  in.categorie = text_field(body, "categorie", 1, 100, errors);
  in.description = text_field(body, "description", 0, 5000, errors);
  in.image_url = text_field(body, "image_url", 0, 500, errors);
  if (in.image_url && !acceptable_image_url(*in.image_url)) {
    errors["image_url"] = "doit être vide, un chemin (/…) ou une URL http(s)";
    in.image_url.reset();
  }
  in.prix = prix_field(body, errors);
  in.stock = stock_field(body, errors);

  if (completeness == Completeness::kAllRequired) {
    for (const char* name : {"nom", "categorie", "prix", "stock"}) {
      if (!body.contains(name)) errors[name] = "est obligatoire";
    }
  } else if (!in.nom && !in.categorie && !in.prix && !in.stock && !in.description &&
             !in.image_url && errors.empty()) {
    errors["corps"] = "aucun champ à modifier";
  }
  return in;
}

void append_produit_json(std::string& out, const Produit& p) {
  out += "{\"id\":";
  out += std::to_string(p.id);
  out += ",\"nom\":";
  append_json_string(out, p.nom);
  out += ",\"categorie\":";
  append_json_string(out, p.categorie);
  out += ",\"prix\":";
  append_money(out, p.prix);  // "1899.00": exact, and a valid JSON number
  out += ",\"stock\":";
  out += std::to_string(p.stock);
  out += ",\"description\":";
  append_json_string(out, p.description);
  out += ",\"image_url\":";
  append_json_string(out, p.image_url);
  out += ",\"created_at\":";
  append_json_string(out, p.created_at);
  out += ",\"updated_at\":";
  append_json_string(out, p.updated_at);
  out.push_back('}');
}

void append_categorie_json(std::string& out, const Categorie& c) {
  out += "{\"nom\":";
  append_json_string(out, c.nom);
  out += ",\"nombre_produits\":";
  out += std::to_string(c.nombre_produits);
  out.push_back('}');
}

std::string produit_json(const Produit& p) {
  std::string out;
  out.reserve(400);
  append_produit_json(out, p);
  return out;
}

}  // namespace boutique::domain
