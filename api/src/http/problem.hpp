#pragma once
// RFC 9457 problem details. Handlers throw Problem; the server turns it into a response.
// Every problem type the API answers with is in one catalogue (ProblemKind: status, type and title
// written once, in problem.cpp); a Problem is built from a kind, never from literals.
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/field_errors.hpp"
#include "http/response.hpp"

namespace boutique::http {

enum class ProblemKind {
  requete_invalide,             // 400
  parametres_invalides,         // 400
  identifiant_invalide,         // 400
  non_authentifie,              // 401
  interdit,                     // 403
  introuvable,                  // 404
  methode_non_autorisee,        // 405
  delai_depasse,                // 408
  email_deja_utilise,           // 409
  stock_insuffisant,            // 409
  longueur_requise,             // 411
  corps_trop_volumineux,        // 413
  cible_trop_longue,            // 414
  type_non_supporte,            // 415
  attente_non_prise_en_charge,  // 417
  validation,                   // 422
  trop_de_tentatives,           // 429
  en_tetes_trop_volumineux,     // 431
  erreur_interne,               // 500
  service_indisponible,         // 503
};

struct ProblemType {
  ProblemKind kind;
  int status;
  std::string_view slug;  // the type URI is "/problems/<slug>"
  std::string_view title;
};
// The catalogue, in ProblemKind order.
const std::vector<ProblemType>& problem_types();
const ProblemType& problem_type(ProblemKind kind);

class Problem : public std::exception {
 public:
  // detail: this occurrence, in French; empty: the title.
  Problem(ProblemKind kind, std::string detail = {});

  Problem& errors(domain::FieldErrors errors) {
    errors_ = std::move(errors);
    return *this;
  }
  // An extra member, its value already JSON text (e.g. "12" or "\"clavier\"").
  Problem& member(std::string name, std::string json_value) {
    members_.emplace_back(std::move(name), std::move(json_value));
    return *this;
  }
  Problem& header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  const char* what() const noexcept override { return type_->title.data(); }
  int status() const { return type_->status; }
  const std::string& detail() const { return detail_; }
  Response response() const;

 private:
  const ProblemType* type_;
  std::string detail_;
  domain::FieldErrors errors_;
  std::vector<std::pair<std::string, std::string>> members_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// The problems built in more than one place, or with more than a detail.
Problem bad_request(std::string detail);
Problem invalid_query(domain::FieldErrors errors);
Problem validation_failed(domain::FieldErrors errors);
Problem not_found(std::string detail);
Problem produit_not_found(std::int64_t id);  // "aucun produit avec l'id N"
Problem unauthorized(std::string detail);    // with WWW-Authenticate: Bearer
Problem forbidden(std::string detail);
Problem body_too_large();                 // over the 1 MiB limit
Problem internal_error();                 // nothing of the cause: it is in the log
Problem unavailable(std::string detail);  // with Retry-After

}  // namespace boutique::http
