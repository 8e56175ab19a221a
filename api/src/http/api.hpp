#pragma once
// The shop API's handlers: parse → domain rule → repository → JSON. One member per route
// (routes.cpp).
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "db/store.hpp"
#include "domain/utilisateur.hpp"
#include "http/list_cache.hpp"
#include "http/metrics.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace boutique::http {

class Api {
 public:
  Api(const app::Config& config, db::Store& store, ListCache& cache, Metrics& metrics);

  // Set once migrations (and demo seeding) are done; data routes answer 503 until then.
  void set_migrated(bool migrated) { migrated_.store(migrated, std::memory_order_release); }
  bool migrated() const { return migrated_.load(std::memory_order_acquire); }
  ListCache& cache() { return cache_; }

  // Catalogue (api_produits.cpp)
  Response list_produits(const Request& req);
  // The list or search from the cache, or nothing (a miss): runs on the network thread.
  std::optional<Response> list_produits_cached(const Request& req);
  Response get_produit(const Request& req);
  Response create_produit(const Request& req);
  Response replace_produit(const Request& req);
  Response patch_produit(const Request& req);
  Response delete_produit(const Request& req);
  Response list_categories(const Request& req);
  // Accounts and sessions (api_utilisateurs.cpp)
  Response list_utilisateurs(const Request& req);
  Response create_utilisateur(const Request& req);
  Response get_utilisateur(const Request& req);
  Response login(const Request& req);
  Response logout(const Request& req);
  Response moi(const Request& req);
  // Orders (api_commandes.cpp)
  Response create_commande(const Request& req);
  Response list_commandes(const Request& req);
  // System (api_systeme.cpp)
  Response info(const Request& req);
  Response healthz(const Request& req);
  Response readyz(const Request& req);
  Response metrics(const Request& req);
  Response openapi(const Request& req);

 private:
  // The logged-in user, or nothing when no (valid) token is sent.
  std::optional<domain::Utilisateur> current_user(const Request& req);
  domain::Utilisateur require_user(const Request& req);
  domain::Utilisateur require_admin(const Request& req);
  void require_migrated() const;
  Response update_produit(const Request& req, bool replace);

  const app::Config& config_;
  db::Store& store_;
  ListCache& cache_;
  Metrics& metrics_;
  std::atomic<bool> migrated_{false};
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace boutique::http
