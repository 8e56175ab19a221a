#pragma once
// What every decoded request must satisfy, shared by the api_body and api_request targets.
// A rejected input must become the documented problem (status, problem+json, every field error in
// the body); an accepted one must be storable as is (valid UTF-8, no NUL: PostgreSQL text), within
// its documented bounds, and survive a round trip (what the API prints, sent back, reads the same).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/commande.hpp"
#include "domain/json_text.hpp"
#include "domain/money.hpp"
#include "domain/produit.hpp"
#include "domain/utilisateur.hpp"
#include "fuzz_check.hpp"
#include "http/problem.hpp"
#include "http/request.hpp"

namespace boutique::fuzz {

using nlohmann::json;

// PostgreSQL text accepts it unchanged.
inline bool storable(std::string_view s) {
  return domain::valid_utf8(s) && s.find('\0') == std::string_view::npos;
}

inline bool trimmed(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  return s.empty() || (ws.find(s.front()) == std::string_view::npos &&
                       ws.find(s.back()) == std::string_view::npos);
}

// The answer the server sends for p: the expected status, problem+json, a JSON object that says
// the same status, a /problems/ type, a title and a detail.
inline json check_problem(const http::Problem& p, int expected_status) {
  const auto r = p.response();
  FUZZ_CHECK(r.status == expected_status,
             "got " + std::to_string(r.status) + ", want " + std::to_string(expected_status));
  FUZZ_CHECK(r.content_type == http::kProblemJson, "problem content type");
  auto body = json::parse(r.body, nullptr, false);
  FUZZ_CHECK(!body.is_discarded() && body.is_object(), "problem body is not JSON: " + r.body);
  FUZZ_CHECK(body.contains("status") && body["status"] == r.status, r.body);
  FUZZ_CHECK(body.contains("type") && body["type"].is_string() &&
                 body["type"].get<std::string>().starts_with("/problems/"),
             r.body);
  FUZZ_CHECK(body.contains("title") && body["title"].is_string(), r.body);
  FUZZ_CHECK(body.contains("detail") && body["detail"].is_string(), r.body);
  return body;
}

// Field errors: every one reaches the client, in the problem's "errors" member.
inline void check_rejected(const domain::FieldErrors& errors, int status) {
  FUZZ_CHECK(!errors.empty(), "rejected without a reason");
  const auto problem =
      status == 422 ? http::validation_failed(errors) : http::invalid_query(errors);
  const auto body = check_problem(problem, status);
  FUZZ_CHECK(body.contains("errors") && body["errors"].is_object() &&
                 body["errors"].size() == errors.size(),
             "errors member: " + body.dump());
  for (const auto& [field, message] : errors) {
    FUZZ_CHECK(!message.empty(), "empty message for " + field);
    const auto it = body["errors"].find(field);
    FUZZ_CHECK(it != body["errors"].end() && *it == message, "errors." + field + " lost");
  }
}

inline bool same(const domain::ProduitInput& a, const domain::ProduitInput& b) {
  return a.nom == b.nom && a.categorie == b.categorie && a.prix == b.prix && a.stock == b.stock &&
         a.description == b.description && a.image_url == b.image_url;
}

// POST/PUT (kAllRequired) and PATCH (kPartial) /api/produits bodies.
inline void check_produit(const json& body, domain::Completeness mode) {
  domain::FieldErrors errors;
  const auto in = domain::parse_produit(body, mode, errors);
  if (!errors.empty()) return check_rejected(errors, 422);
  FUZZ_CHECK(body.is_object(), "accepted a non-object");
  const auto text = [&](const std::optional<std::string>& v, const char* name, std::size_t min,
                        std::size_t max) {
    FUZZ_CHECK(v.has_value() == body.contains(name), std::string(name) + " dropped or invented");
    if (!v) return;
    FUZZ_CHECK(storable(*v), std::string(name) + " is not storable text");
    FUZZ_CHECK(trimmed(*v), std::string(name) + " not trimmed");
    const auto len = domain::utf8_length(*v);
    FUZZ_CHECK(len >= min && len <= max, std::string(name) + " length " + std::to_string(len));
  };
  text(in.nom, "nom", 1, 200);
  text(in.categorie, "categorie", 1, 100);
  text(in.description, "description", 0, 5000);
  text(in.image_url, "image_url", 0, 500);
  if (in.image_url && !in.image_url->empty()) {
    const auto& u = *in.image_url;
    FUZZ_CHECK(u.find_first_of(" \"'<>\\") == std::string::npos, "image_url: " + u);
    FUZZ_CHECK(u.starts_with("/") || u.starts_with("https://") || u.starts_with("http://"),
               "image_url: " + u);
  }
  FUZZ_CHECK(in.prix.has_value() == body.contains("prix"), "prix dropped or invented");
  FUZZ_CHECK(!in.prix || (*in.prix >= 0 && *in.prix <= domain::kMaxPrixCents), "prix range");
  FUZZ_CHECK(in.stock.has_value() == body.contains("stock"), "stock dropped or invented");
  FUZZ_CHECK(!in.stock || (*in.stock >= 0 && *in.stock <= domain::kMaxStock), "stock range");
  if (mode == domain::Completeness::kAllRequired) {
    FUZZ_CHECK(in.nom && in.categorie && in.prix && in.stock, "a required member is missing");
  } else {
    FUZZ_CHECK(in.nom || in.categorie || in.prix || in.stock || in.description || in.image_url,
               "an empty PATCH was accepted");
  }
  // Round trip: what the API prints for this product (prix as the JSON number "12.34", exactly as
  // produits_repo writes PostgreSQL's numeric text), sent back, reads the same; and prix as a
  // string too.
  for (const bool prix_as_string : {false, true}) {
    std::string again = "{";
    const auto member = [&again](const char* name, const std::string& json_text) {
      if (again.size() > 1) again += ",";
      domain::append_json_string(again, name);
      again += ":" + json_text;
    };
    const auto quoted = [](const std::string& s) {
      std::string out;
      domain::append_json_string(out, s);
      return out;
    };
    if (in.nom) member("nom", quoted(*in.nom));
    if (in.categorie) member("categorie", quoted(*in.categorie));
    if (in.prix) {
      const auto money = domain::format_money(*in.prix);
      member("prix", prix_as_string ? quoted(money) : money);
    }
    if (in.stock) member("stock", std::to_string(*in.stock));
    if (in.description) member("description", quoted(*in.description));
    if (in.image_url) member("image_url", quoted(*in.image_url));
    again += "}";
    const auto reparsed = json::parse(again, nullptr, false);
    FUZZ_CHECK(!reparsed.is_discarded(), "the API's own JSON does not parse: " + again);
    domain::FieldErrors errors2;
    const auto in2 = domain::parse_produit(reparsed, mode, errors2);
    FUZZ_CHECK(errors2.empty(), "round trip rejected: " + again + " -> " + errors2.begin()->first);
    FUZZ_CHECK(same(in, in2), "round trip changed the product: " + again);
  }
}

// POST /api/utilisateurs.
inline void check_inscription(const json& body) {
  domain::FieldErrors errors;
  const auto in = domain::parse_inscription(body, errors);
  if (!errors.empty()) return check_rejected(errors, 422);
  FUZZ_CHECK(storable(in.nom), "nom is not storable text");
  FUZZ_CHECK(!in.nom.empty() && domain::utf8_length(in.nom) <= 100 && trimmed(in.nom), in.nom);
  FUZZ_CHECK(storable(in.email), "email is not storable text");
  FUZZ_CHECK(domain::normalise_email(in.email) == in.email, "email not in normal form");
  FUZZ_CHECK(domain::utf8_length(in.password) >= domain::kMinPasswordLength &&
                 in.password.size() <= domain::kMaxPasswordLength,
             "password length");
  const json again = {{"nom", in.nom}, {"email", in.email}, {"password", in.password}};
  domain::FieldErrors errors2;
  const auto in2 = domain::parse_inscription(again, errors2);
  FUZZ_CHECK(
      errors2.empty() && in2.nom == in.nom && in2.email == in.email && in2.password == in.password,
      "round trip");
}

// POST /api/auth/login.
inline void check_identifiants(const json& body) {
  domain::FieldErrors errors;
  const auto in = domain::parse_identifiants(body, errors);
  if (!errors.empty()) return check_rejected(errors, 422);
  FUZZ_CHECK(trimmed(in.email), "email not trimmed");
  FUZZ_CHECK(!in.password.empty() && in.password.size() <= domain::kMaxPasswordLength,
             "password length");
  // The handler looks the account up by the normal form only: it must be storable text.
  if (const auto email = domain::normalise_email(in.email)) {
    FUZZ_CHECK(storable(*email), "normal email is not storable text");
    FUZZ_CHECK(domain::normalise_email(*email) == email, "normal form is not stable");
  }
}

// POST /api/commandes.
inline void check_commande(const json& body) {
  domain::FieldErrors errors;
  const auto lignes = domain::parse_commande(body, errors);
  if (!errors.empty()) return check_rejected(errors, 422);
  FUZZ_CHECK(!lignes.empty() && lignes.size() <= domain::kMaxLignes, "line count");
  // Recomputed independently from the raw body: Σ quantite per produit_id.
  std::map<std::int64_t, std::int64_t> expected;
  for (const auto& l : body.at("lignes"))
    expected[l.at("produit_id").get<std::int64_t>()] += l.at("quantite").get<std::int64_t>();
  FUZZ_CHECK(expected.size() == lignes.size(), "merged lines");
  std::int64_t previous = 0;
  for (const auto& l : lignes) {
    FUZZ_CHECK(l.produit_id > previous, "lines not sorted by produit_id, or repeated");
    previous = l.produit_id;
    FUZZ_CHECK(l.quantite >= 1 && l.quantite <= domain::kMaxQuantite, "quantite range");
    FUZZ_CHECK(expected[l.produit_id] == l.quantite, "quantities merged wrongly");
    const auto total = domain::line_total(domain::kMaxPrixCents, l.quantite);
    FUZZ_CHECK(total && *total == domain::kMaxPrixCents * l.quantite, "line_total");
  }
  json again = {{"lignes", json::array()}};
  for (const auto& l : lignes)
    again["lignes"].push_back({{"produit_id", l.produit_id}, {"quantite", l.quantite}});
  domain::FieldErrors errors2;
  const auto lignes2 = domain::parse_commande(again, errors2);
  FUZZ_CHECK(
      errors2.empty() && domain::canonical_lignes(lignes2) == domain::canonical_lignes(lignes),
      "round trip of the order");
}

// A request body as every write route reads it: Content-Type, size of nesting, JSON; then each
// route's own reading.
inline void check_json_body(std::optional<std::string_view> content_type, const std::string& body) {
  json parsed;
  try {
    parsed = http::decode_json_body(content_type, body);
  } catch (const http::Problem& p) {
    FUZZ_CHECK(p.status() == 400 || p.status() == 415, "status " + std::to_string(p.status()));
    check_problem(p, p.status());
    return;
  }
  FUZZ_CHECK(domain::json_nesting_depth(body, 64) <= 64, "too deep a body accepted");
  check_produit(parsed, domain::Completeness::kAllRequired);
  check_produit(parsed, domain::Completeness::kPartial);
  check_inscription(parsed);
  check_identifiants(parsed);
  check_commande(parsed);
}

}  // namespace boutique::fuzz
