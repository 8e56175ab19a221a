#pragma once
// GET /api/produits query parameters: parsing, validation, a canonical form (cache key, links).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/field_errors.hpp"
#include "domain/money.hpp"

namespace boutique::domain {

enum class Tri { kId, kPrix, kPrixDesc, kNom, kRecent };

inline constexpr int kDefaultParPage = 50;
inline constexpr int kMaxParPage = 100;
inline constexpr int kMaxPage = 1'000'000;

// A page of a list: GET /api/produits and GET /api/utilisateurs read it the same way.
struct Page {
  int page = 1;
  int par_page = kDefaultParPage;
  long long offset() const { return static_cast<long long>(page - 1) * par_page; }
};
// Reads `page` or `par_page` into `page`: true when the key was one of them (an invalid value is
// an entry in errors).
bool parse_page_param(std::string_view key, std::string_view value, Page& page,
                      FieldErrors& errors);
// GET /api/utilisateurs: paging only.
Page parse_page_query(const std::vector<std::pair<std::string, std::string>>& params,
                      FieldErrors& errors);

struct ProduitQuery {
  std::optional<std::string> categorie;
  std::optional<std::string> q;
  std::optional<Cents> min_prix;
  std::optional<Cents> max_prix;
  Tri tri = Tri::kId;
  int page = 1;
  int par_page = kDefaultParPage;

  long long offset() const { return static_cast<long long>(page - 1) * par_page; }
  // The filters and order in canonical form ("categorie=Audio&tri=prix"), percent-encoded,
  // without page/par_page: the cache key prefix and the base of Link URLs.
  std::string canonical_filters() const;
  std::string cache_key() const;
};

std::string_view tri_name(Tri tri);

// params are decoded (key, value) pairs; unknown keys are ignored, a repeated key → error.
ProduitQuery parse_produit_query(const std::vector<std::pair<std::string, std::string>>& params,
                                 FieldErrors& errors);

// RFC 8288 Link header value for a page of total items under path (first/prev/next/last), the
// canonical filters (percent-encoded) kept in each link. Pages past kMaxPage are not served, so
// no link points beyond it.
std::string paging_links(std::string_view path, std::string_view filters, const Page& page,
                         long long total);
std::string paging_links(std::string_view path, const ProduitQuery& query, long long total);

// Percent-encoding of a query component (RFC 3986 unreserved characters are kept).
std::string percent_encode(std::string_view s);
// Decodes %XX and '+' (as space). Returns nothing on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

// The escaped LIKE pattern %s% for a search term: % _ and \ in the term match literally.
std::string like_pattern(std::string_view term);

}  // namespace boutique::domain
