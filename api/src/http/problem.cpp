#include "http/problem.hpp"

#include "domain/json_text.hpp"

namespace boutique::http {

Response Problem::response() const {
  std::string body = "{\"type\":";
  domain::append_json_string(body, "/problems/" + slug_);
  body += ",\"title\":";
  domain::append_json_string(body, title_);
  body += ",\"status\":" + std::to_string(status_);
  body += ",\"detail\":";
  domain::append_json_string(body, detail_.empty() ? title_ : detail_);
  if (!errors_.empty()) {
    body += ",\"errors\":{";
    bool first = true;
    for (const auto& [field, message] : errors_) {
      if (!first) body.push_back(',');
      first = false;
      domain::append_json_string(body, field);
      body.push_back(':');
      domain::append_json_string(body, message);
    }
    body.push_back('}');
  }
  for (const auto& [name, value] : members_) {
    body.push_back(',');
    domain::append_json_string(body, name);
    body.push_back(':');
    body += value;
  }
  body.push_back('}');
  Response r{status_, std::move(body), kProblemJson, headers_, {}};
  return r;
}

namespace {
std::string count_fields(const domain::FieldErrors& errors) {
  return errors.size() == 1 ? "1 champ invalide : " + errors.begin()->first
                            : std::to_string(errors.size()) + " champs invalides";
}
}  // namespace

Problem bad_request(std::string detail) {
  return Problem(400, "requete-invalide", "Requête invalide", std::move(detail));
}
Problem invalid_query(domain::FieldErrors errors) {
  auto detail = "paramètres invalides : " + count_fields(errors);
  return Problem(400, "parametres-invalides", "Paramètres de requête invalides", detail)
      .errors(std::move(errors));
}
Problem validation_failed(domain::FieldErrors errors) {
  auto detail = count_fields(errors);
  return Problem(422, "validation", "Données invalides", detail).errors(std::move(errors));
}
Problem not_found(std::string detail) {
  return Problem(404, "introuvable", "Ressource introuvable", std::move(detail));
}
Problem unauthorized(std::string detail) {
  return Problem(401, "non-authentifie", "Authentification requise", std::move(detail))
      .header("WWW-Authenticate", "Bearer");
}
Problem forbidden(std::string detail) {
  return Problem(403, "interdit", "Accès refusé", std::move(detail));
}
Problem unavailable(std::string detail) {
  return Problem(503, "service-indisponible", "Service temporairement indisponible",
                 std::move(detail))
      .header("Retry-After", "2");
}

}  // namespace boutique::http
