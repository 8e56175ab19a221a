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

// Every account, by id.
// One page of the accounts, by id, and how many there are in all.
UtilisateursPage list_utilisateurs(pqxx::connection& conn, const domain::Page& page);

std::optional<Utilisateur> find_utilisateur(pqxx::connection& conn, std::int64_t id);
// Whether an account has this (normalised) email.
bool email_taken(pqxx::connection& conn, const std::string& email);
// Nothing when the email is taken.
std::optional<Utilisateur> insert_utilisateur(pqxx::connection& conn, const std::string& nom,
                                              const std::string& email, const std::string& role,
                                              const std::string& password_hash);

std::optional<LoginRecord> find_login(pqxx::connection& conn, const std::string& email);
// Counts one more failure (restarting the count when the previous one is outside the window).
void record_login_failure(pqxx::connection& conn, std::int64_t id);

// Clears the failure count and stores the token's digest; expired sessions of the user are purged.
Session open_session(pqxx::connection& conn, std::int64_t user_id, const std::string& token_digest);
std::optional<Utilisateur> session_user(pqxx::connection& conn, const std::string& token_digest);
void close_session(pqxx::connection& conn, const std::string& token_digest);
void update_password_hash(pqxx::connection& conn, std::int64_t id, const std::string& hash);

}  // namespace boutique::db
