#include <fmt/format.h>

#include "app/log.hpp"
#include "domain/json_text.hpp"
#include "domain/produit_query.hpp"
#include "domain/utilisateur.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"
#include "security/crypto.hpp"

namespace boutique::http {

Response Api::list_utilisateurs(const Request& req) {
  domain::FieldErrors errors;
  const auto page = domain::parse_page_query(req.query(), errors);
  if (!errors.empty()) throw invalid_query(std::move(errors));
  const auto viewer = current_user(req);
  require_migrated();
  const bool all_emails = viewer && viewer->is_admin();
  const auto found = store_.list_utilisateurs(page);
  std::string body;
  domain::append_json_array(
      body, found.utilisateurs, [&](std::string& out, const domain::Utilisateur& user) {
        // Everyone's emails for an admin; otherwise only the viewer's own.
        out += domain::utilisateur_json(user, all_emails || (viewer && user.id == viewer->id));
      });
  Response r = json_response(200, std::move(body));
  r.header("X-Total-Count", std::to_string(found.total))
      .header("Link", domain::paging_links("/api/utilisateurs", "", page, found.total));
  return r;
}

Response Api::get_utilisateur(const Request& req) {
  const auto id = req.id_param("id");
  const auto viewer = current_user(req);
  require_migrated();
  const auto user = store_.find_utilisateur(id);
  if (!user) throw not_found("aucun compte avec l'id " + std::to_string(id));
  // The email, like in the list, only for an admin and for the account itself.
  const bool show_email = viewer && (viewer->is_admin() || viewer->id == user->id);
  return json_response(200, domain::utilisateur_json(*user, show_email));
}

Response Api::create_utilisateur(const Request& req) {
  domain::FieldErrors errors;
  const auto in = domain::parse_inscription(req.json_body(), errors);
  if (!errors.empty()) throw validation_failed(std::move(errors));
  require_migrated();
  const auto taken = [] {
    return Problem(ProblemKind::email_deja_utilise, "un compte existe déjà avec cette adresse")
        .errors({{"email", "est déjà utilisée"}});
  };
  // Checked before hashing: a taken email costs one indexed lookup, not an argon2id hash (64 MiB,
  // tens of milliseconds). The insert still refuses a duplicate that arrives in between.
  if (store_.email_taken(in.email)) throw taken();
  const auto hash = security::hash_password(in.password);
  const auto user = store_.insert_utilisateur(in.nom, in.email, "user", hash);
  if (!user) throw taken();
  Response r = json_response(201, domain::utilisateur_json(*user, true));
  r.header("Location", fmt::format("/api/utilisateurs/{}", user->id));
  return r;
}

Response Api::login(const Request& req) {
  domain::FieldErrors errors;
  const auto in = domain::parse_identifiants(req.json_body(), errors);
  if (!errors.empty()) throw validation_failed(std::move(errors));
  require_migrated();
  const auto email = domain::normalise_email(in.email);
  const auto presented_device =
      in.appareil.empty() ? std::string{} : security::token_digest(in.appareil);
  const auto record = email ? store_.find_login(*email, presented_device) : std::nullopt;
  const auto refuse = [] { return unauthorized("adresse e-mail ou mot de passe incorrect"); };
  if (!record) {
    security::verify_dummy(
        in.password);  // same cost as a real check: no account enumeration by timing
    throw refuse();
  }
  // A known device has a throttle bucket of its own; every other client shares one per account.
  const std::string client = record->known_device ? presented_device : db::kUnknownClient;
  if (const auto wait = store_.reserve_login_attempt(record->user.id, client)) {
    app::log::warn("login throttled")
        .num("user_id", record->user.id)
        .str("device", record->known_device ? "known" : "unknown")
        .str("request_id", req.id());
    throw Problem(ProblemKind::trop_de_tentatives, fmt::format("réessayez dans {} s", *wait))
        .header("Retry-After", std::to_string(*wait));
  }
  if (!security::verify_password(record->password_hash, in.password)) {
    app::log::warn("login failed")
        .num("user_id", record->user.id)
        .str("device", record->known_device ? "known" : "unknown")
        .str("request_id", req.id());
    throw refuse();
  }
  // Hashed with older limits: the password is at hand, store it with today's.
  if (security::needs_rehash(record->password_hash))
    store_.update_password_hash(record->user.id, security::hash_password(in.password));
  const auto token = security::random_token();
  // The device keeps its token; a new one gets one, to present at its next login.
  const auto device = record->known_device ? in.appareil : security::random_token();
  const auto session = store_.open_session(record->user.id, security::token_digest(token), client,
                                           security::token_digest(device));
  std::string body = "{\"token\":";
  domain::append_json_string(body, token);
  body += ",\"expires_at\":";
  domain::append_json_string(body, session.expires_at);
  body += ",\"appareil\":";
  domain::append_json_string(body, device);
  body += ",\"utilisateur\":" + domain::utilisateur_json(record->user, true) + "}";
  Response r = json_response(200, std::move(body));
  r.header("Cache-Control", "no-store");
  return r;
}

Response Api::logout(const Request& req) {
  require_user(req);
  const auto digest = security::token_digest(*req.bearer_token());
  store_.close_session(digest);
  return Response{204, {}, kJson, {}, {}};
}

Response Api::moi(const Request& req) {
  return json_response(200, domain::utilisateur_json(require_user(req), true));
}

}  // namespace boutique::http
