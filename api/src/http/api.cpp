#include "http/api.hpp"

#include "http/problem.hpp"
#include "security/crypto.hpp"

namespace boutique::http {

Api::Api(const app::Config& config, db::Store& store, ListCache& cache, Metrics& metrics)
    : config_(config), store_(store), cache_(cache), metrics_(metrics) {}

void Api::require_migrated() const {
  if (!migrated())
    throw unavailable("la base de données n'est pas encore prête (migrations en attente)");
}

std::optional<domain::Utilisateur> Api::current_user(const Request& req) {
  const auto token = req.bearer_token();
  if (!token) return std::nullopt;
  if (token->size() > 256) throw unauthorized("jeton invalide ou expiré");
  require_migrated();
  const auto digest = security::token_digest(*token);
  auto user = store_.session_user(digest);
  if (!user) throw unauthorized("jeton invalide ou expiré");
  return user;
}

domain::Utilisateur Api::require_user(const Request& req) {
  if (!req.header("Authorization"))
    throw unauthorized("connectez-vous (Authorization: Bearer <jeton>)");
  auto user = current_user(req);
  if (!user) throw unauthorized("en-tête Authorization invalide (attendu : Bearer <jeton>)");
  return *user;
}

domain::Utilisateur Api::require_admin(const Request& req) {
  auto user = require_user(req);
  if (!user.is_admin()) throw forbidden("réservé aux administrateurs");
  return user;
}

}  // namespace boutique::http
