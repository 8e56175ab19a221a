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
  conn.prepare(
      "utilisateurs_login",
      "SELECT u.id, u.nom, u.email, u.role, u.password_hash, EXISTS (SELECT 1 FROM appareils a"
      " WHERE a.token_hash = $2 AND a.utilisateur_id = u.id AND a.vu_le > now() - $3 * interval"
      " '1 day') FROM utilisateurs u WHERE u.email = $1");
  // Locks the bucket's row (creating it if needed) until the transaction ends, and reads it:
  // concurrent attempts on one bucket are decided one after the other.
  conn.prepare("tentatives_lire",
               "INSERT INTO tentatives_connexion AS t (utilisateur_id, client) VALUES ($1, $2)"
               " ON CONFLICT (utilisateur_id, client) DO UPDATE SET client = t.client"
               " RETURNING t.score, extract(epoch FROM clock_timestamp() - t.score_le)::float8,"
               " extract(epoch FROM clock_timestamp() - t.admise_le)::float8");
  conn.prepare("tentatives_admettre",
               "UPDATE tentatives_connexion SET score = $3, score_le = clock_timestamp(),"
               " admise_le = clock_timestamp() WHERE utilisateur_id = $1 AND client = $2");
  conn.prepare(
      "sessions_open",
      // Besides opening the session: the bucket this login used is emptied, the device is
      // remembered (or seen again), and expired rows go: this user's sessions, and a bounded share
      // of everyone's expired sessions, long-unused devices and long-quiet buckets (up to 100 each,
      // through their indexes), so accounts that never log in again do not keep theirs for ever.
      "WITH purge AS (DELETE FROM sessions WHERE expires_at < now() AND (utilisateur_id = $1 OR"
      " ctid IN (SELECT ctid FROM sessions WHERE expires_at < now() LIMIT 100))),"
      " bucket AS (DELETE FROM tentatives_connexion WHERE (utilisateur_id = $1 AND client = $3)"
      " OR ctid IN (SELECT ctid FROM tentatives_connexion WHERE score_le < now() - interval"
      " '7 days' LIMIT 100)),"
      " old_devices AS (DELETE FROM appareils WHERE ctid IN (SELECT ctid FROM appareils"
      " WHERE vu_le < now() - $5 * interval '1 day' LIMIT 100)),"
      " device AS (INSERT INTO appareils (token_hash, utilisateur_id) VALUES ($4, $1)"
      " ON CONFLICT (token_hash) DO UPDATE SET vu_le = now())"
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

std::optional<LoginRecord> find_login(pqxx::connection& conn, const std::string& email,
                                      const std::string& device_digest) {
  pqxx::nontransaction tx(conn);
  const auto rows =
      tx.exec_prepared("utilisateurs_login", email, device_digest, kDeviceLifetimeDays);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return LoginRecord{from_row(r), r[4].c_str(), r[5].as<bool>()};
}

std::optional<long> reserve_login_attempt(pqxx::connection& conn, std::int64_t id,
                                          const std::string& client) {
  pqxx::work tx(conn);
  const auto row = tx.exec_prepared1("tentatives_lire", id, client);
  const domain::LoginBucket bucket{
      row[0].as<double>(), row[1].as<double>(),
      row[2].is_null() ? std::nullopt : std::optional(row[2].as<double>())};
  const auto wait = domain::login_retry_after(bucket);
  if (!wait) tx.exec_prepared("tentatives_admettre", id, client, domain::decayed_score(bucket) + 1);
  tx.commit();
  return wait;
}

Session open_session(pqxx::connection& conn, std::int64_t user_id, const std::string& token_digest,
                     const std::string& client, const std::string& device_digest) {
  pqxx::work tx(conn);
  const auto row = tx.exec_prepared1("sessions_open", user_id, token_digest, client, device_digest,
                                     kDeviceLifetimeDays);
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
