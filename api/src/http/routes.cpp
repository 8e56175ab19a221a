#include "http/routes.hpp"

namespace boutique::http {

const std::vector<RouteDef>& routes() {
  static const std::vector<RouteDef> table = {
      {Method::kGet, "/api/produits", &Api::list_produits, Work::kDatabase,
       &Api::list_produits_cached},
      {Method::kPost, "/api/produits", &Api::create_produit},
      {Method::kGet, "/api/produits/:id", &Api::get_produit},
      {Method::kPut, "/api/produits/:id", &Api::replace_produit},
      {Method::kPatch, "/api/produits/:id", &Api::patch_produit},
      {Method::kDelete, "/api/produits/:id", &Api::delete_produit},
      {Method::kGet, "/api/categories", &Api::list_categories},
      {Method::kGet, "/api/utilisateurs", &Api::list_utilisateurs},
      {Method::kPost, "/api/utilisateurs", &Api::create_utilisateur, Work::kHashing},
      {Method::kGet, "/api/utilisateurs/:id", &Api::get_utilisateur},
      {Method::kPost, "/api/auth/login", &Api::login, Work::kHashing},
      {Method::kPost, "/api/auth/logout", &Api::logout},
      {Method::kGet, "/api/auth/moi", &Api::moi},
      {Method::kPost, "/api/commandes", &Api::create_commande},
      {Method::kGet, "/api/commandes", &Api::list_commandes},
      {Method::kGet, "/api/info", &Api::info},
      {Method::kGet, "/api/openapi.json", &Api::openapi, Work::kNetwork},
      {Method::kGet, "/healthz", &Api::healthz, Work::kNetwork},
      {Method::kGet, "/readyz", &Api::readyz},
      {Method::kGet, "/metrics", &Api::metrics, Work::kNetwork},
  };
  return table;
}

std::string openapi_path(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == ':') {
      const auto end = path.find('/', i);
      const auto name =
          path.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
      out += "{";
      out += name;
      out += "}";
      i = end == std::string_view::npos ? path.size() : end;
    } else {
      out.push_back(path[i++]);
    }
  }
  return out;
}

}  // namespace boutique::http
