#include "http/problem.hpp"

#include "domain/json_text.hpp"

namespace boutique::http {

const std::vector<ProblemType>& problem_types() {
  using K = ProblemKind;
  static const std::vector<ProblemType> all = {
      {K::requete_invalide, 400, "requete-invalide", "Requête invalide"},
      {K::parametres_invalides, 400, "parametres-invalides", "Paramètres de requête invalides"},
      {K::identifiant_invalide, 400, "identifiant-invalide", "Identifiant invalide"},
      {K::non_authentifie, 401, "non-authentifie", "Authentification requise"},
      {K::interdit, 403, "interdit", "Accès refusé"},
      {K::introuvable, 404, "introuvable", "Ressource introuvable"},
      {K::methode_non_autorisee, 405, "methode-non-autorisee", "Méthode non autorisée"},
      {K::delai_depasse, 408, "delai-depasse", "Délai de requête dépassé"},
      {K::email_deja_utilise, 409, "email-deja-utilise", "Adresse e-mail déjà utilisée"},
      {K::stock_insuffisant, 409, "stock-insuffisant", "Stock insuffisant"},
      {K::longueur_requise, 411, "longueur-requise", "Longueur requise"},
      {K::corps_trop_volumineux, 413, "corps-trop-volumineux", "Corps de requête trop volumineux"},
      {K::cible_trop_longue, 414, "cible-trop-longue", "Cible de requête trop longue"},
      {K::type_non_supporte, 415, "type-non-supporte", "Type de contenu non supporté"},
      {K::attente_non_prise_en_charge, 417, "attente-non-prise-en-charge",
       "Attente non prise en charge"},
      {K::validation, 422, "validation", "Données invalides"},
      {K::trop_de_tentatives, 429, "trop-de-tentatives", "Trop de tentatives de connexion"},
      {K::en_tetes_trop_volumineux, 431, "en-tetes-trop-volumineux",
       "En-têtes de requête trop volumineux"},
      {K::erreur_interne, 500, "erreur-interne", "Erreur interne"},
      {K::service_indisponible, 503, "service-indisponible", "Service temporairement indisponible"},
  };
  return all;
}

const ProblemType& problem_type(ProblemKind kind) {
  return problem_types().at(static_cast<std::size_t>(kind));
}

Problem::Problem(ProblemKind kind, std::string detail)
    : type_(&problem_type(kind)), detail_(std::move(detail)) {}

Response Problem::response() const {
  std::string body = "{\"type\":";
  domain::append_json_string(body, "/problems/" + std::string(type_->slug));
  body += ",\"title\":";
  domain::append_json_string(body, type_->title);
  body += ",\"status\":" + std::to_string(type_->status);
  body += ",\"detail\":";
  domain::append_json_string(body, detail_.empty() ? type_->title : detail_);
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
  Response r{type_->status, std::move(body), kProblemJson, headers_, {}};
  return r;
}

namespace {
std::string count_fields(const domain::FieldErrors& errors) {
  return errors.size() == 1 ? "1 champ invalide : " + errors.begin()->first
                            : std::to_string(errors.size()) + " champs invalides";
}
}  // namespace

Problem bad_request(std::string detail) {
  return Problem(ProblemKind::requete_invalide, std::move(detail));
}
Problem invalid_query(domain::FieldErrors errors) {
  auto detail = "paramètres invalides : " + count_fields(errors);
  return Problem(ProblemKind::parametres_invalides, detail).errors(std::move(errors));
}
Problem validation_failed(domain::FieldErrors errors) {
  auto detail = count_fields(errors);
  return Problem(ProblemKind::validation, detail).errors(std::move(errors));
}
Problem not_found(std::string detail) {
  return Problem(ProblemKind::introuvable, std::move(detail));
}
Problem produit_not_found(std::int64_t id) {
  return not_found("aucun produit avec l'id " + std::to_string(id));
}
Problem unauthorized(std::string detail) {
  return Problem(ProblemKind::non_authentifie, std::move(detail))
      .header("WWW-Authenticate", "Bearer");
}
Problem forbidden(std::string detail) {
  return Problem(ProblemKind::interdit, std::move(detail));
}
Problem body_too_large() {
  return Problem(ProblemKind::corps_trop_volumineux, "le corps ne doit pas dépasser 1 Mio");
}
Problem internal_error() {
  return Problem(ProblemKind::erreur_interne, "une erreur inattendue est survenue");
}
Problem unavailable(std::string detail) {
  return Problem(ProblemKind::service_indisponible, std::move(detail)).header("Retry-After", "2");
}

}  // namespace boutique::http
