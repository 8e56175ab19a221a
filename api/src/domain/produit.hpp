#pragma once
// What a valid product is, independent of HTTP and SQL.
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "domain/field_errors.hpp"
#include "domain/money.hpp"

namespace boutique::domain {

inline constexpr int kMaxStock = 1'000'000;

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
