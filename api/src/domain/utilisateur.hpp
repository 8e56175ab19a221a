#pragma once
// Accounts: what a valid registration is, and the role names.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "domain/field_errors.hpp"

namespace boutique::domain {

// An account as the API shows it (the password hash is never part of it).
struct Utilisateur {
  std::int64_t id;
  std::string nom;
  std::string email;
  std::string role;  // "admin" or "user"
  bool is_admin() const { return role == "admin"; }
};

inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 1024;
// Device tokens are 44 characters (security::random_token); anything much longer is not one.
inline constexpr std::size_t kMaxDeviceTokenLength = 128;

struct Inscription {
  std::string nom;
  std::string email;  // normalised: trimmed, lower case
  std::string password;
};

struct Identifiants {
  std::string email;
  std::string password;
  std::string appareil;  // the device token of an earlier login, if the client sent one
};

// Lower-cases and trims; returns nothing when the text is not a plausible address.
std::optional<std::string> normalise_email(std::string_view email);

// {"id", "nom", "role"} plus "email" when with_email.
std::string utilisateur_json(const Utilisateur& u, bool with_email);

Inscription parse_inscription(const nlohmann::json& body, FieldErrors& errors);
Identifiants parse_identifiants(const nlohmann::json& body, FieldErrors& errors);

}  // namespace boutique::domain
