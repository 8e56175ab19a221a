// Hostile input, abuse: SQL injection, path traversal, slow clients, thousands of idle connections.
// The fixture and the checks: hostile_fixture.hpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "hostile_fixture.hpp"

namespace boutique::it {
namespace {

// ---- Injection and traversal
// ----------------------------------------------------------------------

TEST_F(Hostile, SqlInjectionInEveryParameterIsInert) {
  // A real account whose password is attacked (its failure counter may change, nothing else).
  const auto victim = env().register_user("sqli");
  const auto before = snapshot();
  const std::vector<std::string> payloads = {
      "' OR '1'='1",
      "1; DROP TABLE produits; --",
      "'; DELETE FROM utilisateurs; --",
      "1' UNION SELECT email, password_hash FROM utilisateurs --",
      "\\'; TRUNCATE commandes CASCADE; --",
      "%' OR 1=1 --",
      "1)); UPDATE produits SET stock = 0; --",
      "$$; DROP TABLE lignes_commande; $$"};
  const std::string user = env().user_token();
  for (size_t i = 0; i < payloads.size(); ++i) {
    const auto& sql = payloads[i];
    const auto enc = url_encode(sql);
    // Free-text filters: an ordinary search that matches nothing.
    for (const char* key : {"q", "categorie"}) {
      const Response r = http().get("/api/produits?" + std::string(key) + "=" + enc);
      EXPECT_TRUE(IsJson(r, 200)) << key << "=" << sql;
      if (r.status == 200) {
        EXPECT_EQ(r.json().size(), 0U) << key << "=" << sql << ": " << r.body;
      }
    }
    // Typed parameters and path ids: refused.
    std::vector<Request> refused;
    for (const char* key : {"tri", "page", "par_page", "min_prix", "max_prix"}) {
      refused.push_back({.path = "/api/produits?" + std::string(key) + "=" + enc});
    }
    refused.push_back({.path = "/api/produits/" + enc});
    refused.push_back(
        {.method = "DELETE", .path = "/api/produits/" + enc, .bearer = env().admin_token()});
    refused.push_back({.method = "PATCH",
                       .path = "/api/produits/" + enc,
                       .body = R"({"stock":0})",
                       .bearer = env().admin_token()});
    // Body fields: credentials (each check costs an argon2id verification: two payloads are
    // enough), registration with an otherwise invalid password, order ids.
    if (i < 2) {
      refused.push_back({.method = "POST",
                         .path = "/api/auth/login",
                         .body = nlohmann::json{{"email", sql}, {"password", sql}}.dump()});
      refused.push_back(
          {.method = "POST",
           .path = "/api/auth/login",
           .body = nlohmann::json{{"email", victim.email}, {"password", sql}}.dump()});
    }
    refused.push_back(
        {.method = "POST",
         .path = "/api/utilisateurs",
         .body = nlohmann::json{{"nom", sql}, {"email", sql}, {"password", "x"}}.dump()});
    refused.push_back({.method = "POST",
                       .path = "/api/commandes",
                       .body = R"({"lignes":[{"produit_id":")" + sql + R"(","quantite":1}]})",
                       .bearer = user});
    refused.push_back(
        {.method = "POST",
         .path = "/api/produits",
         .body =
             nlohmann::json{{"nom", sql}, {"categorie", sql}, {"prix", sql}, {"stock", sql}}.dump(),
         .bearer = env().admin_token()});
    // Headers.
    refused.push_back({.path = "/api/auth/moi", .bearer = sql});
    refused.push_back({.path = "/api/commandes", .headers = {{"Authorization", sql}}});
    refused.push_back({.method = "POST",
                       .path = "/api/commandes",
                       .headers = {{"Idempotency-Key", sql}},
                       .body = R"({"lignes":[{"produit_id":999999,"quantite":1}]})",
                       .bearer = user});
    expect_all_client_problems(refused, "SQL injection: " + sql);
    const Response rid = http().send({.path = "/healthz", .headers = {{"X-Request-Id", sql}}});
    EXPECT_EQ(rid.status, 200);
    EXPECT_NE(rid.header("X-Request-Id"), sql) << "an unsafe request id is replaced";
  }
  expect_unharmed(before, "SQL injection (refused)");

  // Accepted where text is legitimate: stored verbatim, nothing else touched.
  const auto name = payloads[1] + " " + payloads[2];
  const auto created = env().create_produit({{"nom", name}, {"categorie", payloads[0]}});
  const auto id = created.at("id").get<long long>();
  EXPECT_EQ(env().get_produit(id).at("nom"), name);
  const Response found = http().get("/api/produits?q=" + url_encode(payloads[1]));
  ASSERT_TRUE(IsJson(found, 200));
  EXPECT_EQ(ids_of(found.json()), std::vector<long long>{id}) << "the search matches the text";
  EXPECT_EQ(snapshot().produits, before.produits + 1);
  EXPECT_EQ(http().del("/api/produits/" + std::to_string(id), env().admin_token()).status, 204);
  expect_unharmed(before, "SQL injection (stored verbatim, then deleted)");
}

TEST_F(Hostile, PathTraversalServesNoFile) {
  const auto before = snapshot();
  // Raw: curl would normalise the dot segments.
  for (const char* path :
       {"/api/../../etc/passwd", "/../../../../etc/passwd", "/api/%2e%2e/%2e%2e/etc/passwd",
        "/api/produits/..%2f..%2f..%2fetc%2fpasswd", "/api/produits/../../../etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%c0%af..%c0%afetc/passwd", "//etc/passwd",
        "/api/produits/%00", "/api/produits/1%00.json", "/api/openapi.json/../../etc/passwd",
        "/api/..;/..;/etc/passwd", "/.%2e/.%2e/etc/passwd", "/api/produits/%252e%252e"}) {
    const auto x = exchange("GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(x.response.has_value()) << path << ": " << x.error;
    EXPECT_TRUE(IsClientProblem(*x.response)) << path << ": " << x.response->head;
    EXPECT_EQ(x.response->body.find("root:"), std::string::npos) << path;
  }
  expect_unharmed(before, "path traversal");
}

// ---- Slow and idle clients
// ------------------------------------------------------------------------

TEST_F(Hostile, SlowClientsDoNotBlockOthersAndTimeOut) {
  // 20 connections each sending one byte per second (a request head never finished in time) on a
  // 2-thread server, while a normal client keeps requesting.
  constexpr int kSlow = 20;
  const std::string head =
      "GET /api/produits HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
  std::vector<RawConnection> slow;
  for (int i = 0; i < kSlow; ++i) slow.emplace_back(port());
  std::atomic<bool> stop{false};
  const auto started = Clock::now();
  std::thread trickler([&] {
    for (size_t i = 0; i < head.size() && !stop.load(); ++i) {
      for (auto& conn : slow) {
        try {
          conn.send_all(head.substr(i, 1));
        } catch (const std::exception&) {  // closed by the server after its 408
        }
      }
      std::this_thread::sleep_for(1s);  // the stimulus: one byte per second per connection
    }
  });
  // Meanwhile (the first 4 s), others are served as usual.
  Latencies lat;
  while (Clock::now() - started < 4s) {
    const auto batch = measure(env().process().base_url(), 50);
    lat.ms.insert(lat.ms.end(), batch.ms.begin(), batch.ms.end());
    lat.failures += batch.failures;
    if (lat.first_failure.empty()) lat.first_failure = batch.first_failure;
  }
  std::printf("[hostile] %d clients at 1 byte/s; normal requests meanwhile: %s\n", kSlow,
              lat.summary().c_str());
  EXPECT_EQ(lat.failures, 0U) << lat.first_failure;
  EXPECT_GT(lat.ms.size(), 100U);
  // The head deadline: a 408 problem once 10 s have passed since the first byte, then closed.
  std::optional<double> first_408_s;
  for (auto& conn : slow) {
    const auto r = conn.read_response(20s);
    if (!r) {
      ADD_FAILURE() << "no 408 for a slow client: " << conn.error();
      continue;
    }
    if (!first_408_s) first_408_s = std::chrono::duration<double>(Clock::now() - started).count();
    EXPECT_EQ(r->status, 408) << r->head;
    EXPECT_TRUE(IsClientProblem(*r));
    EXPECT_TRUE(conn.wait_closed(5s)) << "the connection stays open after the 408";
  }
  const double all_s = std::chrono::duration<double>(Clock::now() - started).count();
  stop = true;
  trickler.join();
  ASSERT_TRUE(first_408_s.has_value());
  EXPECT_GE(*first_408_s, 10.0) << "refused before the head deadline (10 s)";
  std::printf("[hostile] slow clients refused with 408 problems after %.1f s (all within %.1f s)\n",
              *first_408_s, all_s);
  EXPECT_TRUE(env().process().running());
}

TEST_F(Hostile, ThousandsOfIdleKeepAliveConnections) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  // This process and the API each hold one fd per connection; keep 200 spare in each.
  const size_t wanted = 3000;
  const size_t n = std::min<size_t>(wanted, limit.rlim_cur > 400 ? limit.rlim_cur - 200 : 0);
  if (n < wanted) {
    std::printf("[hostile] RLIMIT_NOFILE=%llu: %zu idle connections instead of %zu\n",
                static_cast<unsigned long long>(limit.rlim_cur), n, wanted);
  }
  ASSERT_GE(n, 500U) << "RLIMIT_NOFILE too low for this test: " << limit.rlim_cur;
  const auto t0 = Clock::now();
  std::vector<RawConnection> idle;
  idle.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    idle.emplace_back(port());
    // One request each: a kept-alive connection, then silence.
    idle.back().send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  size_t answered = 0;
  for (auto& conn : idle) answered += conn.read_response(10s).has_value() ? 1U : 0U;
  const double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(answered, n);
  // A few hundred connections that never send anything, too.
  std::vector<RawConnection> silent;
  for (int i = 0; i < 100; ++i) silent.emplace_back(port());

  const auto lat = measure(env().process().base_url(), 400);
  std::printf(
      "[hostile] %zu idle keep-alive + 100 silent connections opened in %.2f s; normal "
      "requests meanwhile: %s\n",
      n, open_s, lat.summary().c_str());
  EXPECT_EQ(lat.failures, 0U) << lat.first_failure;
  // The idle connections are still usable.
  for (size_t i = 0; i < idle.size(); i += idle.size() / 10) {
    idle[i].send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = idle[i].read_response(5s);
    EXPECT_TRUE(r.has_value() && r->status == 200)
        << "idle connection " << i << ": " << idle[i].error();
  }
  idle.clear();
  silent.clear();
  EXPECT_EQ(env().client().get("/healthz").status, 200);
}

}  // namespace
}  // namespace boutique::it
