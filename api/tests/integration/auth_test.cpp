// /api/auth/{login,logout,moi}: tokens, how passwords and tokens are stored, expiry, and the
// slow-down of repeated failed logins. The accounts' routes are in utilisateurs_test.cpp.
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <ctime>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "db/statements.hpp"
#include "db/utilisateurs_repo.hpp"
#include "support/api_test.hpp"

namespace boutique::it {
namespace {

class Authentification : public ApiTest<Authentification> {};

// "2026-11-26T10:00:00Z" (optionally with fraction/offset) -> seconds since the epoch.
std::time_t parse_utc(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return timegm(&tm);
}

TEST_F(Authentification, LoginReturnsTokenExpiryAndUser) {
  const Response r = http().post(
      "/api/auth/login", {{"email", env().admin_email()}, {"password", env().admin_password()}});
  ASSERT_TRUE(IsJson(r, 200));
  const auto body = r.json();
  EXPECT_TRUE(
      std::regex_match(body.at("token").get<std::string>(), std::regex("^[A-Za-z0-9_-]{43}=?$")))
      << "32 random bytes, base64url: " << body.at("token");
  const auto expires = body.at("expires_at").get<std::string>();
  const auto in = parse_utc(expires) - std::time(nullptr);
  EXPECT_TRUE(in > 23 * 3600 && in < 25 * 3600) << "expires in 24 h, got " << expires;
  EXPECT_TRUE(
      std::regex_match(body.at("appareil").get<std::string>(), std::regex("^[A-Za-z0-9_-]{43}=?$")))
      << "a device token, to present at the next login: " << body.at("appareil");
  EXPECT_EQ(body.at("utilisateur").at("role"), "admin");
  EXPECT_EQ(body.at("utilisateur").value("email", ""), env().admin_email());
  expect_no_secret(r);
  const auto other = env().login(env().admin_email(), env().admin_password());
  EXPECT_NE(other, body.at("token")) << "every login gets a fresh random token";
}

TEST_F(Authentification, BadCredentialsAre401AndBadBodies422) {
  EXPECT_TRUE(IsProblem(http().post("/api/auth/login", {{"email", env().admin_email()},
                                                        {"password", "wrong-password"}}),
                        401));
  EXPECT_TRUE(IsProblem(
      http().post("/api/auth/login", {{"email", "nobody@example.com"}, {"password", "whatever12"}}),
      401));
  EXPECT_TRUE(IsFieldProblem(http().post("/api/auth/login", {{"email", env().admin_email()}}), 422,
                             {"password"}));
  EXPECT_TRUE(
      IsFieldProblem(http().post("/api/auth/login", {{"password", "whatever12"}}), 422, {"email"}));
}

TEST_F(Authentification, MoiNeedsAValidToken) {
  const auto me = env().register_user("moi");
  const Response r = http().get("/api/auth/moi", me.token);
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json().at("id"), me.id);
  EXPECT_EQ(r.json().at("role"), "user");
  EXPECT_EQ(r.json().value("email", ""), me.email);
  expect_no_secret(r);
  EXPECT_TRUE(IsProblem(http().get("/api/auth/moi"), 401));
  EXPECT_TRUE(IsProblem(http().get("/api/auth/moi", me.token + "x"), 401));
  EXPECT_TRUE(IsProblem(
      http().send({.path = "/api/auth/moi", .headers = {{"Authorization", "Basic " + me.token}}}),
      401));
}

TEST_F(Authentification, LogoutRevokesOnlyThatToken) {
  const auto me = env().register_user("logout");
  const auto second = env().login(me.email, me.password);
  const Response out =
      http().send({.method = "POST", .path = "/api/auth/logout", .bearer = me.token});
  EXPECT_EQ(out.status, 204) << out.describe();
  EXPECT_TRUE(IsProblem(http().get("/api/auth/moi", me.token), 401)) << "revoked token accepted";
  EXPECT_TRUE(IsProblem(http().get("/api/commandes", me.token), 401));
  EXPECT_TRUE(IsProblem(
      http().send({.method = "POST", .path = "/api/auth/logout", .bearer = me.token}), 401));
  EXPECT_TRUE(IsJson(http().get("/api/auth/moi", second), 200)) << "other sessions stay valid";
  EXPECT_TRUE(IsProblem(http().send({.method = "POST", .path = "/api/auth/logout"}), 401));
}

TEST_F(Authentification, RepeatedFailuresGet429WithRetryAfter) {
  const auto victim = env().register_user("bruteforce");
  const nlohmann::json wrong = {{"email", victim.email}, {"password", "not-the-password"}};
  for (int i = 1; i <= 5; ++i) {
    EXPECT_TRUE(IsProblem(http().post("/api/auth/login", wrong), 401)) << "failure #" << i;
  }
  const Response limited = http().post("/api/auth/login", wrong);
  ASSERT_TRUE(IsProblem(limited, 429)) << "6th attempt after 5 failures";
  ASSERT_TRUE(limited.has_header("Retry-After")) << limited.describe();
  const auto retry = *limited.header("Retry-After");
  ASSERT_TRUE(std::regex_match(retry, std::regex("^[0-9]+$"))) << "seconds: " << retry;
  EXPECT_GE(std::stol(retry), 1);
  EXPECT_LE(std::stol(retry), 3600);
  const Response right =
      http().post("/api/auth/login", {{"email", victim.email}, {"password", victim.password}});
  EXPECT_TRUE(IsProblem(right, 429))
      << "from an unknown client even the right password waits until the delay passed";
  EXPECT_TRUE(IsJson(http().get("/api/auth/moi", victim.token), 200)) << "sessions unaffected";
  EXPECT_FALSE(env().login(env().admin_email(), env().admin_password()).empty())
      << "other accounts unaffected";
}

// The lockout must not become a denial of service against the owner: a stranger's guesses fill
// the bucket of unknown clients, and the owner's browser, which logged in before, has its own.
TEST_F(Authentification, TheOwnerOnAKnownDeviceLogsInWhileAStrangerGuesses) {
  const auto owner = env().register_user("proprietaire");
  const nlohmann::json right = {{"email", owner.email}, {"password", owner.password}};
  const Response first = http().post("/api/auth/login", right);
  ASSERT_TRUE(IsJson(first, 200)) << first.describe();
  const auto device = first.json().at("appareil").get<std::string>();

  const nlohmann::json wrong = {{"email", owner.email}, {"password", "stranger-guess"}};
  int refused = 0;
  for (int i = 0; i < 12; ++i) refused += http().post("/api/auth/login", wrong).status == 429;
  EXPECT_GE(refused, 6) << "the stranger is slowed down";
  EXPECT_TRUE(IsProblem(http().post("/api/auth/login", right), 429)) << "unknown client";
  nlohmann::json forged = right;
  forged["appareil"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_TRUE(IsProblem(http().post("/api/auth/login", forged), 429))
      << "a device token the API did not hand to this account counts as unknown";
  nlohmann::json stolen = wrong;
  stolen["appareil"] = env()
                           .login_body(env().admin_email(), env().admin_password())
                           .at("appareil")
                           .get<std::string>();
  EXPECT_TRUE(IsProblem(http().post("/api/auth/login", stolen), 429))
      << "another account's device is unknown to this one";

  nlohmann::json from_device = right;
  from_device["appareil"] = device;
  const Response owner_in = http().post("/api/auth/login", from_device);
  ASSERT_TRUE(IsJson(owner_in, 200)) << "the owner's browser gets in: " << owner_in.describe();
  EXPECT_EQ(owner_in.json().at("appareil"), device) << "a known device keeps its token";
  EXPECT_TRUE(IsProblem(http().post("/api/auth/login", right), 429))
      << "the owner's success does not reopen the door to unknown clients";
}

// The score decays by half every 6 hours instead of being forgotten at once after a window: an
// hour later the attempts still weigh; 12 hours later they weigh a quarter, under the free five.
TEST_F(Authentification, ThrottleDecaysOverHours) {
  const auto me = env().register_user("decroissance");
  const nlohmann::json wrong = {{"email", me.email}, {"password", "not-the-password"}};
  for (int i = 0; i < 10; ++i) (void)http().post("/api/auth/login", wrong);
  const nlohmann::json right = {{"email", me.email}, {"password", me.password}};
  ASSERT_TRUE(IsProblem(http().post("/api/auth/login", right), 429));
  pqxx::connection db(env().database_url());
  pqxx::nontransaction tx(db);
  const auto score = tx.exec_params1(
      "SELECT score FROM tentatives_connexion WHERE utilisateur_id = $1 AND client = 'inconnu'",
      me.id)[0];
  EXPECT_NEAR(score.as<double>(), 5, 0.01) << "the five admitted attempts count, refused ones not";
  tx.exec_params(
      "UPDATE tentatives_connexion SET score_le = score_le - interval '1 hour',"
      " admise_le = admise_le - interval '1 hour' WHERE utilisateur_id = $1",
      me.id);
  EXPECT_TRUE(IsProblem(http().post("/api/auth/login", wrong), 401))
      << "an hour later the delay has passed";
  EXPECT_TRUE(IsProblem(http().post("/api/auth/login", wrong), 429))
      << "but the score still weighs: no five free attempts again (the old 15-minute window "
         "forgot everything)";
  tx.exec_params(
      "UPDATE tentatives_connexion SET score_le = score_le - interval '12 hours',"
      " admise_le = admise_le - interval '12 hours' WHERE utilisateur_id = $1",
      me.id);
  EXPECT_TRUE(IsJson(http().post("/api/auth/login", right), 200));
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM tentatives_connexion WHERE utilisateur_id = $1",
                            me.id)[0]
                .as<int>(),
            0)
      << "a successful login empties the bucket it used";
}

// Parallel guesses cannot all pass one check: each attempt is reserved under the bucket's row
// lock before the password is verified. Sixteen connections ask at once on a fresh bucket:
// exactly the five free attempts go through.
TEST_F(Authentification, ParallelAttemptsAreReservedOneAtATime) {
  const auto me = env().register_user("parallele");
  constexpr std::size_t kClients = 16;
  std::vector<std::unique_ptr<pqxx::connection>> conns;
  for (std::size_t i = 0; i < kClients; ++i) {
    conns.push_back(std::make_unique<pqxx::connection>(env().database_url()));
    db::prepare_statements(*conns.back());
  }
  std::atomic<int> admitted = 0;
  std::atomic<std::size_t> ready = 0;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kClients) std::this_thread::yield();
      if (!db::reserve_login_attempt(*conns[i], me.id, db::kUnknownClient)) ++admitted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 5);
}

// BLAKE2b-256 of a token, hex: how the API says it stores tokens (docs/security.md), recomputed
// here.
std::string blake2b_hex(const std::string& token) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  std::array<char, crypto_generichash_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

// Rows of every table of the schema whose text form contains `needle`.
long rows_containing(pqxx::connection& db, const std::string& needle) {
  pqxx::nontransaction tx(db);
  long total = 0;
  for (const auto& t : tx.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
    const auto table = tx.quote_name(t[0].c_str());
    total +=
        tx.exec_params1("SELECT count(*) FROM " + table + " AS r WHERE strpos(r::text, $1) > 0",
                        needle)[0]
            .as<long>();
  }
  return total;
}

TEST_F(Authentification, StoredOnlyAsArgon2idHashAndTokenDigest) {
  const auto me = env().register_user("stockage");
  pqxx::connection db(env().database_url());
  EXPECT_EQ(rows_containing(db, me.token), 0) << "the token itself is stored somewhere";
  EXPECT_EQ(rows_containing(db, me.password), 0) << "the password itself is stored somewhere";

  pqxx::nontransaction tx(db);
  const auto hash = tx.exec_params1("SELECT password_hash FROM utilisateurs WHERE id = $1", me.id);
  EXPECT_EQ(std::string(hash[0].c_str()).rfind("$argon2id$v=19$", 0), 0U) << hash[0].c_str();
  const auto sessions = tx.exec_params(
      "SELECT token_hash, extract(epoch FROM expires_at - now())::bigint FROM sessions"
      " WHERE utilisateur_id = $1",
      me.id);
  ASSERT_EQ(sessions.size(), 1U) << "register_user logged in once";
  EXPECT_EQ(sessions[0][0].as<std::string>(), blake2b_hex(me.token)) << "BLAKE2b-256 of the token";
  const auto expires_in = sessions[0][1].as<long>();
  EXPECT_TRUE(expires_in > 23 * 3600 && expires_in <= 24 * 3600) << expires_in << " s";
  tx.commit();  // rows_containing opens its own

  const auto device = env().login_body(me.email, me.password).at("appareil").get<std::string>();
  EXPECT_EQ(rows_containing(db, device), 0) << "the device token itself is stored somewhere";
  EXPECT_EQ(rows_containing(db, blake2b_hex(device)), 1) << "its digest, once (appareils)";
}

TEST_F(Authentification, ExpiredTokenIsRejectedAndPurged) {
  const auto me = env().register_user("expire");
  const auto other = env().login(me.email, me.password);
  pqxx::connection db(env().database_url());
  {
    pqxx::nontransaction tx(db);
    const auto changed = tx.exec_params(
        "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1",
        blake2b_hex(me.token));
    ASSERT_EQ(changed.affected_rows(), 1U);
  }
  EXPECT_TRUE(IsProblem(http().get("/api/auth/moi", me.token), 401)) << "expired token accepted";
  EXPECT_TRUE(IsProblem(http().get("/api/commandes", me.token), 401));
  EXPECT_TRUE(IsJson(http().get("/api/auth/moi", other), 200)) << "the other session is valid";
  // The next login of that account deletes its expired sessions.
  EXPECT_FALSE(env().login(me.email, me.password).empty());
  pqxx::nontransaction tx(db);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM sessions WHERE token_hash = $1",
                            blake2b_hex(me.token))[0]
                .as<long>(),
            0)
      << "expired session not purged";
}

// Accounts that never log in again do not keep their expired sessions: any login purges a bounded
// share of everyone's.
TEST_F(Authentification, AnyLoginPurgesOthersExpiredSessions) {
  const auto gone = env().register_user("parti");
  pqxx::connection db(env().database_url());
  {
    pqxx::nontransaction tx(db);
    ASSERT_EQ(tx.exec_params("UPDATE sessions SET expires_at = now() - interval '1 day'"
                             " WHERE token_hash = $1",
                             blake2b_hex(gone.token))
                  .affected_rows(),
              1U);
  }
  const auto someone_else = env().register_user("autre");
  EXPECT_FALSE(someone_else.token.empty());
  pqxx::nontransaction tx(db);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM sessions WHERE token_hash = $1",
                            blake2b_hex(gone.token))[0]
                .as<long>(),
            0)
      << "another account's login left the expired session";
}

// A hash made with weaker limits than today's is replaced at the next good login, and the password
// still works afterwards.
TEST_F(Authentification, LoginRehashesAWeakHash) {
  const auto me = env().register_user("ancien-hash");
  std::array<char, crypto_pwhash_STRBYTES> weak{};
  ASSERT_EQ(crypto_pwhash_str_alg(weak.data(), me.password.data(), me.password.size(),
                                  crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
                                  crypto_pwhash_ALG_ARGON2ID13),
            0);
  pqxx::connection db(env().database_url());
  const auto hash_of = [&] {
    pqxx::nontransaction tx(db);
    return tx.exec_params1("SELECT password_hash FROM utilisateurs WHERE email = $1", me.email)[0]
        .as<std::string>();
  };
  {
    pqxx::nontransaction tx(db);
    tx.exec_params("UPDATE utilisateurs SET password_hash = $2 WHERE email = $1", me.email,
                   std::string(weak.data()));
  }
  ASSERT_NE(crypto_pwhash_str_needs_rehash(hash_of().c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
  EXPECT_FALSE(env().login(me.email, me.password).empty()) << "the weak hash still verifies";
  const auto rehashed = hash_of();
  EXPECT_NE(rehashed, std::string(weak.data()));
  EXPECT_EQ(crypto_pwhash_str_needs_rehash(rehashed.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0)
      << "stored with today's limits";
  EXPECT_FALSE(env().login(me.email, me.password).empty()) << "and the password still works";
}

TEST_F(Authentification, LogHasOneLinePerRequestAndNoSecret) {
  const auto me = env().register_user("journal");
  ASSERT_EQ(http()
                .send({.path = "/api/auth/moi",
                       .headers = {{"X-Request-Id", "it-journal-1"}},
                       .bearer = me.token})
                .status,
            200);
  ASSERT_EQ(
      http()
          .post("/api/auth/login", {{"email", me.email}, {"password", "wrong-" + me.password}})
          .status,
      401);
  const std::string log = env().process().log();
  for (const auto& secret :
       {me.password, me.token, env().admin_password(), env().user_password()}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "a password or token is in the log";
  }
  bool found = false;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("it-journal-1") == std::string::npos) continue;
    ASSERT_TRUE(nlohmann::json::accept(line)) << "BOUTIQUE_LOG_FORMAT=json: " << line;
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j.value("method", ""), "GET") << line;
    EXPECT_EQ(j.value("path", ""), "/api/auth/moi") << line;
    EXPECT_EQ(j.value("status", 0), 200) << line;
    EXPECT_TRUE(j.contains("duration_ms")) << line;
    found = true;
  }
  EXPECT_TRUE(found) << "no log line carries the request id it-journal-1";
}

}  // namespace
}  // namespace boutique::it
