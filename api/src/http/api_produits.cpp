#include <fmt/format.h>

#include "domain/json_text.hpp"
#include "domain/produit_query.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"

namespace boutique::http {
namespace {

Response page_response(const ListCache::Entry& e) {
  Response r{200, {}, kJson, {}, e.body};
  r.header("X-Total-Count", e.total).header("Link", e.link);
  return r;
}

}  // namespace

std::optional<Response> Api::list_produits_cached(const Request& req) {
  domain::FieldErrors errors;
  const auto query = domain::parse_produit_query(req.query(), errors);
  if (!errors.empty()) throw invalid_query(std::move(errors));
  require_migrated();
  const auto kind = query.q ? ListCache::Kind::kSearch : ListCache::Kind::kList;
  const auto hit = cache_.find(kind, query.cache_key());
  if (!hit) return std::nullopt;
  metrics_.cache_hit();
  return page_response(*hit);
}

Response Api::list_produits(const Request& req) {
  domain::FieldErrors errors;
  const auto query = domain::parse_produit_query(req.query(), errors);
  if (!errors.empty()) throw invalid_query(std::move(errors));
  require_migrated();
  // Lists and searches alike: the same answer for up to ListCache::kMaxAge, or until the catalogue
  // changes (searches apart, so that random terms cannot evict the lists).
  const auto kind = query.q ? ListCache::Kind::kSearch : ListCache::Kind::kList;
  const auto key = query.cache_key();
  if (const auto hit = cache_.find(kind, key)) {
    metrics_.cache_hit();
    return page_response(*hit);
  }
  metrics_.cache_miss();
  const auto generation = cache_.generation();
  const auto page = store_.list_produits(query);
  std::string body;
  body.reserve(page.produits.size() * 400 + 2);
  domain::append_json_array(body, page.produits, domain::append_produit_json);
  ListCache::Entry entry{std::make_shared<const std::string>(std::move(body)),
                         std::to_string(page.total),
                         domain::paging_links("/api/produits", query, page.total)};
  auto response = page_response(entry);
  cache_.store(kind, key, std::move(entry), generation);
  return response;
}

Response Api::get_produit(const Request& req) {
  const auto id = req.id_param("id");
  require_migrated();
  const auto produit = store_.find_produit(id);
  if (!produit) throw produit_not_found(id);
  return json_response(200, domain::produit_json(*produit));
}

Response Api::create_produit(const Request& req) {
  require_admin(req);
  domain::FieldErrors errors;
  const auto input =
      domain::parse_produit(req.json_body(), domain::Completeness::kAllRequired, errors);
  if (!errors.empty()) throw validation_failed(std::move(errors));
  const auto created = store_.insert_produit(input);
  Response r = json_response(201, domain::produit_json(created));
  r.header("Location", fmt::format("/api/produits/{}", created.id));
  return r;
}

Response Api::update_produit(const Request& req, bool replace) {
  require_admin(req);
  const auto id = req.id_param("id");
  domain::FieldErrors errors;
  const auto input = domain::parse_produit(
      req.json_body(),
      replace ? domain::Completeness::kAllRequired : domain::Completeness::kPartial, errors);
  if (!errors.empty()) throw validation_failed(std::move(errors));
  const auto produit = store_.update_produit(id, input, replace);
  if (!produit) throw produit_not_found(id);
  return json_response(200, domain::produit_json(*produit));
}

Response Api::replace_produit(const Request& req) {
  return update_produit(req, true);
}
Response Api::patch_produit(const Request& req) {
  return update_produit(req, false);
}

Response Api::delete_produit(const Request& req) {
  require_admin(req);
  const auto id = req.id_param("id");
  const bool deleted = store_.delete_produit(id);
  if (!deleted) throw produit_not_found(id);
  return Response{204, {}, kJson, {}, {}};
}

Response Api::list_categories(const Request&) {
  require_migrated();
  std::string body;
  domain::append_json_array(body, store_.list_categories(), domain::append_categorie_json);
  return json_response(200, std::move(body));
}

}  // namespace boutique::http
