#pragma once
// What a valid product is, independent of HTTP and SQL.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "domain/field_errors.hpp"
#include "domain/money.hpp"

namespace boutique::domain {

inline constexpr int kMaxStock = 1'000'000;

// A product as the API shows it: openapi.json's Produit, member for member.
struct Produit {
  std::int64_t id = 0;
  std::string nom;
  std::string categorie;
  Cents prix = 0;
  int stock = 0;
  std::string description;
  std::string image_url;
  std::string created_at;  // RFC 3339 UTC ("2026-11-25T10:00:00Z"), as the database formats it
  std::string updated_at;
};

// The one writer of a product's JSON, for a single product and for the list (appended straight
// into the page: the list is the hot path, so no DOM), members in the order of the OpenAPI schema.
// A unit test holds it to the schema's members.
void append_produit_json(std::string& out, const Produit& p);
std::string produit_json(const Produit& p);

// A category and how many products it has: openapi.json's Categorie.
struct Categorie {
  std::string nom;
  std::int64_t nombre_produits = 0;
};
void append_categorie_json(std::string& out, const Categorie& c);

// A product as written by a client. Absent members stay empty (PATCH changes only those given).
struct ProduitInput {
  std::optional<std::string> nom;
  std::optional<std::string> categorie;
  std::optional<Cents> prix;
  std::optional<int> stock;
  std::optional<std::string> description;
  std::optional<std::string> image_url;
};

enum class Completeness { kAllRequired, kPartial };

// Reads and validates a JSON body. Every problem lands in errors (field → message); the returned
// input is meaningful only when errors is empty. kAllRequired (POST, PUT) demands nom, categorie,
// prix and stock; kPartial (PATCH) demands at least one member. id, created_at and updated_at are
// tolerated (clients echo what they read) and ignored; any other unknown member is an error.
ProduitInput parse_produit(const nlohmann::json& body, Completeness completeness,
                           FieldErrors& errors);

}  // namespace boutique::domain
