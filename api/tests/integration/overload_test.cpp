// Work that blocks never runs on the network threads: password hashing and database calls wait on
// bounded worker queues, a full queue is a 503 with Retry-After at once, /healthz answers from the
// network thread whatever the queues hold, and one connection's requests are answered in order.
// Small queues on purpose (one hashing worker, two database workers, four places).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "support/api_test.hpp"
#include "support/raw_http.hpp"

namespace boutique::it {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

class Surcharge : public ApiTest<Surcharge> {
 public:
  static SuiteOptions suite_options() {
    return {
        .threads = 2,
        .extra_env = {
            {"BOUTIQUE_HASH_WORKERS", "1"}, {"BOUTIQUE_WORKERS", "2"}, {"BOUTIQUE_QUEUE", "4"}}};
  }
};

// A 503 from a full queue: a problem with Retry-After.
void expect_overload_problem(const Response& r) {
  EXPECT_EQ(r.status, 503) << r.describe();
  EXPECT_TRUE(r.header("Retry-After").has_value()) << r.describe();
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/problem+json") << r.describe();
}

// 24 clients send logins with random emails as fast as they can (each an argon2id hash on the one
// hashing worker): /healthz and the cached catalogue keep answering at once, every login is a 401
// or a 503 with Retry-After (16 may wait, the others are refused), nothing else.
TEST_F(Surcharge, HealthzAndTheCatalogueAnswerDuringALoginFlood) {
  ASSERT_EQ(env().client().get("/api/produits").status, 200);  // the list is now cached
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::map<long, int> statuses;
  std::vector<std::string> unexpected;
  std::vector<std::thread> flood;
  for (int i = 0; i < 24; ++i) {
    flood.emplace_back([&, i] {
      HttpClient client = env().client();
      client.set_timeout(30s);
      for (int n = 0; !stop.load(); ++n) {
        const auto r = client.post(
            "/api/auth/login",
            {{"email", "flood" + std::to_string(i) + "-" + std::to_string(n) + "@example.com"},
             {"password", "pas le bon mot de passe"}});
        std::lock_guard lock(mutex);
        ++statuses[r.status];
        if (r.status == 503 && !r.header("Retry-After")) unexpected.push_back(r.describe());
        if (r.status != 401 && r.status != 503) unexpected.push_back(r.describe());
      }
    });
  }
  HttpClient probe = env().client();
  probe.set_timeout(10s);
  Clock::duration slowest_health{}, slowest_list{};
  const auto until = Clock::now() + 3s;
  int probes = 0;
  while (Clock::now() < until) {
    auto t0 = Clock::now();
    EXPECT_EQ(probe.get("/healthz").status, 200);
    slowest_health = std::max(slowest_health, Clock::now() - t0);
    t0 = Clock::now();
    EXPECT_EQ(probe.get("/api/produits").status, 200);
    slowest_list = std::max(slowest_list, Clock::now() - t0);
    ++probes;
    std::this_thread::sleep_for(50ms);  // probe pacing, as a kubelet would
  }
  stop = true;
  for (auto& t : flood) t.join();
  // Functional bounds (the kubelet's probe timeout is 2 s), far above what a free network thread
  // needs: they fail only when the probe waits behind the hashing.
  EXPECT_LT(slowest_health, 1s) << "slowest /healthz during the flood";
  EXPECT_LT(slowest_list, 1s) << "slowest cached list during the flood";
  EXPECT_GT(probes, 10);
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  EXPECT_GT(statuses[503], 0) << "the hashing queue never filled: the cap is not applied";
  EXPECT_GT(statuses[401], 0);
  const auto metrics = probe.get("/metrics").body;
  EXPECT_NE(metrics.find("boutique_worker_queue_rejected_total{queue=\"hashing\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("boutique_worker_queue_capacity{queue=\"hashing\"} 16"), std::string::npos)
      << metrics;
}

// Database work stuck behind a row lock: the two workers wait, four requests wait for them, the
// others are refused at once with 503 + Retry-After; when the lock goes, the waiting ones finish.
TEST_F(Surcharge, AFullDatabaseQueueIs503AtOnce) {
  const auto id = env().create_produit({{"nom", "Verrou"}}).at("id").get<long long>();
  const std::string admin = env().admin_token();
  pqxx::connection holder(env().database_url());
  pqxx::work lock(holder);
  lock.exec("SELECT 1 FROM produits WHERE id = " + std::to_string(id) + " FOR UPDATE");

  constexpr std::size_t kClients = 10;
  std::vector<Response> answers(kClients);
  std::vector<Clock::duration> took(kClients);
  std::latch ready(kClients);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      HttpClient client = env().client();
      client.set_timeout(30s);
      ready.arrive_and_wait();
      const auto t0 = Clock::now();
      answers[i] = client.patch("/api/produits/" + std::to_string(id),
                                {{"stock", 10 + static_cast<int>(i)}}, admin);
      took[i] = Clock::now() - t0;
    });
  }
  // The refused ones come back while the lock is held; the others wait (lock_timeout is 3 s).
  HttpClient probe = env().client();
  const auto t0 = Clock::now();
  EXPECT_EQ(probe.get("/healthz").status, 200);
  EXPECT_LT(Clock::now() - t0, 1s) << "/healthz waited behind the database queue";
  std::this_thread::sleep_for(300ms);  // the refusals are immediate; pacing before the release
  lock.abort();
  for (auto& t : clients) t.join();
  int refused = 0, done = 0;
  for (std::size_t i = 0; i < kClients; ++i) {
    if (answers[i].status == 503) {
      ++refused;
      expect_overload_problem(answers[i]);
      EXPECT_LT(took[i], 1s) << "a refusal must not wait";
    } else {
      EXPECT_EQ(answers[i].status, 200) << answers[i].describe();
      ++done;
    }
  }
  EXPECT_GE(refused, kClients - 2 - 4) << "2 workers and 4 places: the rest are refused";
  EXPECT_GE(done, 1);
  EXPECT_NE(probe.get("/metrics")
                .body.find("boutique_worker_queue_rejected_total{queue="
                           "\"database\"}"),
            std::string::npos);
}

// Pipelined on one connection: a login (hashing worker), /healthz (network thread) and a search
// (database worker) come back in the order they were sent, though the later ones finish first.
TEST_F(Surcharge, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection c(env().process().port());
  const std::string login = R"({"email":"ordre@example.com","password":"pas le bon mot de passe"})";
  c.send_all(
      "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: premier\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(login.size()) + "\r\n\r\n" + login +
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: deuxieme\r\n\r\n"
      "GET /api/produits?q=clavier HTTP/1.1\r\nHost: x\r\nX-Request-Id: troisieme\r\n\r\n");
  for (const char* id : {"premier", "deuxieme", "troisieme"}) {
    const auto r = c.read_response(10s);
    ASSERT_TRUE(r) << id << ": " << c.error();
    EXPECT_NE(r->head.find(std::string("X-Request-Id: ") + id), std::string::npos)
        << "expected the answer to " << id << ", got:\n"
        << r->head;
  }
}

}  // namespace
}  // namespace boutique::it
