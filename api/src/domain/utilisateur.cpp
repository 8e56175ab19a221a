#include "domain/utilisateur.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "domain/json_text.hpp"

namespace boutique::domain {
namespace {

std::optional<std::string> string_member(const nlohmann::json& body, const char* name,
                                         FieldErrors& errors) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    errors[name] = "est obligatoire";
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors[name] = "doit être une chaîne de caractères";
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

std::optional<std::string> normalise_email(std::string_view raw) {
  std::string email = trim(raw);
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  const auto at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at != email.rfind('@')) {
    return std::nullopt;
  }
  const std::string_view domain = std::string_view(email).substr(at + 1);
  const auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  for (const char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == '"' || c == ',' || c == ';') {
      return std::nullopt;
    }
  }
  if (!valid_utf8(email)) return std::nullopt;
  return email;
}

Inscription parse_inscription(const nlohmann::json& body, FieldErrors& errors) {
  Inscription in;
  if (!body.is_object()) {
    errors["corps"] = "doit être un objet JSON";
    return in;
  }
  if (auto nom = string_member(body, "nom", errors)) {
    in.nom = trim(*nom);
    const auto len = utf8_length(in.nom);
    if (len == 0)
      errors["nom"] = "est obligatoire";
    else if (len > 100)
      errors["nom"] = "ne doit pas dépasser 100 caractères";
    else if (in.nom.find('\0') != std::string::npos)  // "\u0000": PostgreSQL text cannot hold it
      errors["nom"] = "contient un caractère interdit";
  }
  if (auto email = string_member(body, "email", errors)) {
    if (auto normal = normalise_email(*email))
      in.email = *normal;
    else
      errors["email"] = "n'est pas une adresse e-mail valide";
  }
  if (auto password = string_member(body, "password", errors)) {
    const auto len = utf8_length(*password);
    if (len < kMinPasswordLength) {
      errors["password"] =
          "doit contenir au moins " + std::to_string(kMinPasswordLength) + " caractères";
    } else if (password->size() > kMaxPasswordLength) {
      errors["password"] = "ne doit pas dépasser " + std::to_string(kMaxPasswordLength) + " octets";
    } else {
      in.password = std::move(*password);
    }
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "nom" && key != "email" && key != "password") errors[key] = "champ inconnu";
  }
  return in;
}

Identifiants parse_identifiants(const nlohmann::json& body, FieldErrors& errors) {
  Identifiants in;
  if (!body.is_object()) {
    errors["corps"] = "doit être un objet JSON";
    return in;
  }
  if (auto email = string_member(body, "email", errors)) in.email = trim(*email);
  if (auto password = string_member(body, "password", errors)) {
    if (password->empty())
      errors["password"] = "est obligatoire";
    else if (password->size() > kMaxPasswordLength)
      errors["password"] = "est trop long";
    else
      in.password = std::move(*password);
  }
  if (const auto it = body.find("appareil"); it != body.end() && !it->is_null()) {
    if (!it->is_string())
      errors["appareil"] = "doit être une chaîne de caractères";
    else if (it->get_ref<const std::string&>().size() > kMaxDeviceTokenLength)
      errors["appareil"] = "est trop long";
    else
      in.appareil = it->get<std::string>();
  }
  return in;
}

std::string utilisateur_json(const Utilisateur& u, bool with_email) {
  std::string out = "{\"id\":" + std::to_string(u.id) + ",\"nom\":";
  append_json_string(out, u.nom);
  if (with_email) {
    out += ",\"email\":";
    append_json_string(out, u.email);
  }
  out += ",\"role\":";
  append_json_string(out, u.role);
  out.push_back('}');
  return out;
}

}  // namespace boutique::domain
