#pragma once
// Accounts and login sessions over one connection (db/store.hpp runs them on the pool). Password
// hashes are read only for verification, never serialised.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "db/records.hpp"

namespace boutique::db {

void prepare_utilisateurs(pqxx::connection& conn);

using domain::Utilisateur;

// One page of the accounts, by id, and how many there are in all.
UtilisateursPage list_utilisateurs(pqxx::connection& conn, const domain::Page& page);

std::optional<Utilisateur> find_utilisateur(pqxx::connection& conn, std::int64_t id);
// Whether an account has this (normalised) email.
bool email_taken(pqxx::connection& conn, const std::string& email);
// Nothing when the email is taken.
std::optional<Utilisateur> insert_utilisateur(pqxx::connection& conn, const std::string& nom,
                                              const std::string& email, const std::string& role,
                                              const std::string& password_hash);

// A device token not presented at a login for this long is forgotten.
inline constexpr int kDeviceLifetimeDays = 365;

// The account with this email, and whether device_digest (empty: none) is one of its devices.
std::optional<LoginRecord> find_login(pqxx::connection& conn, const std::string& email,
                                      const std::string& device_digest);
// Decides an attempt on the account's bucket for `client` (a device digest, or kUnknownClient)
// under that bucket's row lock: nothing means it may go ahead, and it was counted; else the
// seconds to wait (domain/login_throttle.hpp).
std::optional<long> reserve_login_attempt(pqxx::connection& conn, std::int64_t id,
                                          const std::string& client);

// Stores the token's digest, empties the bucket `client` used, remembers the device; purges
// expired sessions, devices and buckets.
Session open_session(pqxx::connection& conn, std::int64_t user_id, const std::string& token_digest,
                     const std::string& client, const std::string& device_digest);
std::optional<Utilisateur> session_user(pqxx::connection& conn, const std::string& token_digest);
void close_session(pqxx::connection& conn, const std::string& token_digest);
void update_password_hash(pqxx::connection& conn, std::int64_t id, const std::string& hash);

}  // namespace boutique::db
