#include "db/utilisateurs_repo.hpp"

#include "domain/json_text.hpp"
#include "domain/login_throttle.hpp"

namespace boutique::db {
namespace {

Utilisateur from_row(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), r[1].c_str(), r[2].c_str(), r[3].c_str()};
}

}  // namespace

void prepare_utilisateurs(pqxx::connection& conn) {
  conn.prepare("utilisateurs_list",
               "SELECT id, nom, email, role, count(*) OVER () FROM utilisateurs ORDER BY id"
               " LIMIT $1 OFFSET $2");
  conn.prepare("utilisateurs_count", "SELECT count(*) FROM utilisateurs");
  conn.prepare("utilisateurs_email_pris", "SELECT 1 FROM utilisateurs WHERE email = $1");
  conn.prepare("utilisateurs_get", "SELECT id, nom, email, role FROM utilisateurs WHERE id = $1");
  conn.prepare("utilisateurs_insert",
               "INSERT INTO utilisateurs (nom, email, role, password_hash) VALUES ($1, $2, $3, $4)"
               " ON CONFLICT (email) DO NOTHING RETURNING id, nom, email, role");
  conn.prepare("utilisateurs_login",
               "SELECT id, nom, email, role, password_hash, echecs_connexion,"
               " coalesce(extract(epoch FROM now() - dernier_echec)::bigint, 1000000000)"
               " FROM utilisateurs WHERE email = $1");
  conn.prepare(
      "utilisateurs_echec",
      "UPDATE utilisateurs SET echecs_connexion = CASE WHEN dernier_echec IS NULL OR"
      " dernier_echec < now() - make_interval(secs => $2) THEN 1 ELSE echecs_connexion + 1 END,"
      " dernier_echec = now() WHERE id = $1");
  conn.prepare(
      "sessions_open",
      // Expired sessions go: this user's, and up to 100 others' (a bounded share of the purge on
      // every login, through sessions_expires_at_idx), so accounts that never log in again do
      // not keep theirs for ever.
      "WITH purge AS (DELETE FROM sessions WHERE expires_at < now() AND (utilisateur_id = $1 OR"
      " ctid IN (SELECT ctid FROM sessions WHERE expires_at < now() LIMIT 100))),"
      " reset AS (UPDATE utilisateurs SET echecs_connexion = 0, dernier_echec = NULL WHERE id = $1)"
      " INSERT INTO sessions (token_hash, utilisateur_id, expires_at)"
      " VALUES ($2, $1, now() + interval '24 hours')"
      " RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
  conn.prepare("sessions_user",
               "SELECT u.id, u.nom, u.email, u.role FROM sessions s JOIN utilisateurs u"
               " ON u.id = s.utilisateur_id WHERE s.token_hash = $1 AND s.expires_at > now()");
  conn.prepare("sessions_close", "DELETE FROM sessions WHERE token_hash = $1");
  conn.prepare("utilisateurs_rehash", "UPDATE utilisateurs SET password_hash = $2 WHERE id = $1");
}

UtilisateursPage list_utilisateurs(pqxx::connection& conn, const domain::Page& page) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared("utilisateurs_list", page.par_page, page.offset());
  UtilisateursPage out;
  out.utilisateurs.reserve(rows.size());
  for (const auto& row : rows) out.utilisateurs.push_back(from_row(row));
  // Past the last page there is no row to carry the count.
  out.total = rows.empty() ? tx.exec_prepared1("utilisateurs_count")[0].as<long long>()
                           : rows[0][4].as<long long>();
  return out;
}

std::optional<Utilisateur> find_utilisateur(pqxx::connection& conn, std::int64_t id) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared("utilisateurs_get", id);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

bool email_taken(pqxx::connection& conn, const std::string& email) {
  pqxx::nontransaction tx(conn);
  return !tx.exec_prepared("utilisateurs_email_pris", email).empty();
}

std::optional<Utilisateur> insert_utilisateur(pqxx::connection& conn, const std::string& nom,
                                              const std::string& email, const std::string& role,
                                              const std::string& password_hash) {
  pqxx::work tx(conn);
  const auto rows = tx.exec_prepared("utilisateurs_insert", nom, email, role, password_hash);
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::optional<LoginRecord> find_login(pqxx::connection& conn, const std::string& email) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared("utilisateurs_login", email);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return LoginRecord{from_row(r), r[4].c_str(), r[5].as<int>(), r[6].as<long>()};
}

void record_login_failure(pqxx::connection& conn, std::int64_t id) {
  pqxx::nontransaction tx(conn);
  tx.exec_prepared("utilisateurs_echec", id, domain::kFailureWindowSeconds);
}

Session open_session(pqxx::connection& conn, std::int64_t user_id,
                     const std::string& token_digest) {
  pqxx::work tx(conn);
  const auto row = tx.exec_prepared1("sessions_open", user_id, token_digest);
  tx.commit();
  return {row[0].c_str()};
}

std::optional<Utilisateur> session_user(pqxx::connection& conn, const std::string& token_digest) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared("sessions_user", token_digest);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

void update_password_hash(pqxx::connection& conn, std::int64_t id, const std::string& hash) {
  pqxx::nontransaction tx(conn);
  tx.exec_prepared("utilisateurs_rehash", id, hash);
}

void close_session(pqxx::connection& conn, const std::string& token_digest) {
  pqxx::nontransaction tx(conn);
  tx.exec_prepared("sessions_close", token_digest);
}

}  // namespace boutique::db
