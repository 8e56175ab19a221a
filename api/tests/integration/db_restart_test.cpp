// PostgreSQL goes away and comes back: data routes answer 503 problems, /readyz 503, /healthz 200,
// the process survives, and everything recovers by itself — after a clean stop, and after a
// SIGKILL on the postmaster under load (deadlines from docs/reliability.md: /readyz 503 within 2 s,
// recovery within 5 s of PostgreSQL's return, no order half-written or lost once acknowledged).
// This suite owns its cluster (stopping the shared one would break the suites running in parallel).
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <pqxx/pqxx>

#include "support/api_test.hpp"
#include "support/pg.hpp"

namespace boutique::it {
namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path own_cluster() {
  return work_dir() / "pg-restart";
}

class RedemarrageBase : public ApiTest<RedemarrageBase> {
 public:
  static SuiteOptions suite_options() { return {.cluster_dir = own_cluster()}; }

  static void SetUpTestSuite() {
    try {
      stop_cluster(own_cluster());  // left running by an interrupted run?
      // The port a previous run used may belong to another program by now: let pg-cluster.sh
      // pick (and, if taken meanwhile, re-pick) a free one; it is kept for this run's restarts.
      std::filesystem::remove(own_cluster() / "port");
      start_cluster(own_cluster());
      // pg-cluster.sh turns synchronous_commit off for speed; an order acknowledged before a
      // SIGKILL must survive it here. Set before the API opens its first connection.
      pqxx::connection conn(cluster_url(own_cluster(), "postgres"));
      pqxx::nontransaction(conn).exec0("ALTER ROLE postgres SET synchronous_commit = on");
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      return;
    }
    ApiTest::SetUpTestSuite();
  }

  static void TearDownTestSuite() {
    ApiTest::TearDownTestSuite();
    try {
      stop_cluster(own_cluster());
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }

 protected:
  // Polls `probe` until it returns true or `deadline` passes.
  template <class Probe>
  bool eventually(std::chrono::seconds deadline, Probe probe) {
    const auto until = Clock::now() + deadline;
    while (Clock::now() < until) {
      if (probe()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return probe();
  }

  // (Re)starts the cluster, retrying while the processes of a killed one are still exiting
  // (pg_ctl refuses to start while they hold its shared memory).
  static void start_cluster_retrying(std::chrono::seconds deadline) {
    const auto until = Clock::now() + deadline;
    for (;;) {
      try {
        start_cluster(own_cluster());
        return;
      } catch (const std::exception&) {
        if (Clock::now() > until) throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  static pid_t postmaster_pid() {
    std::ifstream f(own_cluster() / "data" / "postmaster.pid");
    pid_t pid = 0;
    f >> pid;
    return pid;
  }

  // The postmaster of the cluster is alive (neither gone nor a zombie awaiting its reaper).
  static bool cluster_running() {
    const pid_t pid = postmaster_pid();
    if (pid <= 0) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const auto paren = line.rfind(')');
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
  }
};

using Millis = std::chrono::milliseconds;
Millis since(Clock::time_point t0) {
  return std::chrono::duration_cast<Millis>(Clock::now() - t0);
}

TEST_F(RedemarrageBase, DataRoutesAnswer503WhileTheDatabaseIsDownThenRecover) {
  const auto me = env().register_user("panne");
  const auto id = env().create_produit({{"stock", 10}}).at("id").get<long long>();
  const auto admin = env().admin_token();
  const auto order = [&](HttpClient& c) {
    return c.send(
        {.method = "POST",
         .path = "/api/commandes",
         .body = nlohmann::json({{"lignes", {{{"produit_id", id}, {"quantite", 1}}}}}).dump(),
         .bearer = me.token});
  };
  ASSERT_EQ(http().get("/readyz").status, 200);
  ASSERT_TRUE(IsJson(http().get("/api/produits?q=avant"), 200));

  stop_cluster(own_cluster());

  // Routes that cannot be answered without the database.
  const std::vector<std::pair<std::string, std::function<Response()>>> data_routes = {
      {"search", [&] { return http().get("/api/produits?q=" + random_token(8)); }},
      {"login",
       [&] {
         return http().post("/api/auth/login",
                            {{"email", env().admin_email()}, {"password", env().admin_password()}});
       }},
      {"register",
       [&] {
         return http().post("/api/utilisateurs", {{"nom", "Panne"},
                                                  {"email", random_token(8) + "@example.com"},
                                                  {"password", "0123456789ab"}});
       }},
      {"orders", [&] { return http().get("/api/commandes", me.token); }},
      {"order", [&] { return order(http()); }},
      {"patch",
       [&] {
         return http().patch("/api/produits/" + std::to_string(id), {{"stock", 99}}, admin);
       }},
  };
  for (const auto& [name, call] : data_routes) {
    const Response r = call();
    EXPECT_TRUE(IsProblem(r, 503)) << name;
    EXPECT_TRUE(r.has_header("Retry-After")) << name << ": " << r.describe();
  }
  // Cached reads may still be served; anything else must be a 503 problem, never a 500.
  for (const char* path : {"/api/produits", "/api/categories", "/api/produits/1"}) {
    const Response r = http().get(path);
    EXPECT_TRUE(r.status == 200 || IsProblem(r, 503)) << path << ": " << r.describe();
  }
  const Response ready = http().get("/readyz");
  EXPECT_TRUE(IsProblem(ready, 503));
  // libpq's error text (host, address, port) stays in the log.
  for (const char* leak : {"127.0.0.1", "connection", "server", "port"})
    EXPECT_EQ(ready.body.find(leak), std::string::npos) << leak << " in " << ready.body;
  EXPECT_EQ(http().get("/healthz").status, 200);
  EXPECT_TRUE(env().process().running()) << "the API must survive a database outage";

  start_cluster(own_cluster());  // same port (kept in the cluster dir)

  EXPECT_TRUE(
      eventually(std::chrono::seconds(20), [&] { return http().get("/readyz").status == 200; }))
      << "/readyz did not recover: " << http().get("/readyz").describe();
  for (const auto& [name, call] : data_routes) {
    Response last;
    EXPECT_TRUE(eventually(std::chrono::seconds(10),
                           [&] {
                             last = call();
                             return last.status / 100 == 2;
                           }))
        << name << " did not recover: " << last.describe();
  }
  EXPECT_EQ(env().get_produit(id).at("stock"), 99) << "PATCH after recovery applied";
  EXPECT_TRUE(IsJson(order(http()), 201));
  EXPECT_EQ(env().get_produit(id).at("stock"), 98) << "PATCH to 99, then one more order";
  EXPECT_TRUE(env().process().running());
}

// Clients keep reading and ordering while the postmaster is SIGKILLed (no clean shutdown: its
// backends die with it) and restarted a second later.
TEST_F(RedemarrageBase, PostmasterKilledUnderLoad) {
  if (!cluster_running()) start_cluster_retrying(std::chrono::seconds(30));  // a test failed
  ASSERT_TRUE(
      eventually(std::chrono::seconds(20), [&] { return http().get("/readyz").status == 200; }));
  constexpr long long kStock = 1'000'000;
  const auto me = env().register_user("sigkill");
  const auto id = env().create_produit({{"stock", kStock}}).at("id").get<long long>();
  const std::string order_body =
      nlohmann::json({{"lignes", {{{"produit_id", id}, {"quantite", 1}}}}}).dump();
  const auto order = [&](HttpClient& c) {
    return c.send(
        {.method = "POST", .path = "/api/commandes", .body = order_body, .bearer = me.token});
  };

  // The load: 4 clients, each on its own keep-alive connection, 3 s per request at most (a hang
  // is a transport error). Orders, uncached searches and the cached list.
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::map<long, int> statuses;
  std::vector<std::string> errors;
  std::set<long long> acknowledged;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      HttpClient c = env().client();
      c.set_timeout(std::chrono::seconds(3));
      for (int i = 0; !stop; ++i) {
        try {
          const int kind = (i + t) % 3;
          const Response r = kind == 0   ? order(c)
                             : kind == 1 ? c.get("/api/produits?q=" + random_token(6))
                                         : c.get("/api/produits");
          std::lock_guard lock(mutex);
          ++statuses[r.status];
          if (r.status == 201) acknowledged.insert(r.json().at("id").get<long long>());
          if (r.status != 200 && r.status != 201 && !IsProblem(r, 503)) {
            errors.push_back(r.describe());
          }
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex);
          errors.push_back(e.what());
        }
      }
    });
  }
  const auto acked = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  ASSERT_TRUE(eventually(std::chrono::seconds(10), [&] { return acked() >= 20; }))
      << "the load does not get orders through";

  const pid_t postmaster = postmaster_pid();
  ASSERT_GT(postmaster, 0);
  ASSERT_EQ(::kill(postmaster, SIGKILL), 0);
  const auto killed = Clock::now();

  EXPECT_TRUE(
      eventually(std::chrono::seconds(5), [&] { return http().get("/readyz").status == 503; }));
  const auto to_503 = since(killed);
  EXPECT_LE(to_503.count(), 2000) << "/readyz must turn 503 within 2 s of the kill";

  // Every route that needs the database: a 503 problem, at once (the client gives up after 3 s).
  HttpClient probe = env().client();
  probe.set_timeout(std::chrono::seconds(3));
  const std::vector<std::pair<std::string, std::function<Response()>>> data_routes = {
      {"search", [&] { return probe.get("/api/produits?q=" + random_token(8)); }},
      {"order", [&] { return order(probe); }},
      {"orders", [&] { return probe.get("/api/commandes", me.token); }},
      {"login", [&] {
         return probe.post("/api/auth/login", {{"email", me.email}, {"password", me.password}});
       }}};
  for (const auto& [name, call] : data_routes) {
    try {
      EXPECT_TRUE(IsProblem(call(), 503)) << name;
    } catch (const TransportError& e) {
      ADD_FAILURE() << name << ": no answer within 3 s with the database down: " << e.what();
    }
  }
  // The cached list goes too once the change listener has noticed (else a stale list could be
  // served forever if another replica changed the catalogue meanwhile).
  EXPECT_TRUE(eventually(std::chrono::seconds(3),
                         [&] { return IsProblem(probe.get("/api/produits"), 503); }));
  EXPECT_EQ(http().get("/healthz").status, 200);

  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // outage length, not a sync
  start_cluster_retrying(std::chrono::seconds(30));
  const auto back = Clock::now();
  for (const auto& [name, call] : std::vector<std::pair<std::string, std::function<bool()>>>{
           {"readyz", [&] { return http().get("/readyz").status == 200; }},
           {"search", [&] { return http().get("/api/produits?q=souris").status == 200; }},
           {"list", [&] { return http().get("/api/produits").status == 200; }},
           {"order", [&] { return order(http()).status == 201; }}}) {
    EXPECT_TRUE(eventually(std::chrono::seconds(10), call)) << name << " did not recover";
    EXPECT_LE(since(back).count(), 5000) << name << ": recovery must take at most 5 s";
  }
  const auto recovery = since(back);

  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_TRUE(env().process().running()) << "the API must survive the kill";
  EXPECT_TRUE(errors.empty()) << errors.size() << " answers neither 2xx nor a 503 problem, first: "
                              << errors.front();
  EXPECT_GT(statuses[503], 0) << "the load never saw the outage";

  // Nothing half-written, nothing acknowledged lost, the stock adds up.
  pqxx::connection conn(env().database_url());
  pqxx::nontransaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM commandes c WHERE NOT EXISTS (SELECT 1 FROM "
                     "lignes_commande l WHERE l.commande_id = c.id)")[0]
                .as<long long>(),
            0)
      << "orders without lines";
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM commandes c WHERE c.total <> (SELECT "
                     "coalesce(sum(prix_unitaire * quantite), 0) FROM lignes_commande l WHERE "
                     "l.commande_id = c.id)")[0]
                .as<long long>(),
            0)
      << "orders whose total is not the sum of their lines";
  const auto units = tx.exec1(
                           "SELECT coalesce(sum(quantite), 0) FROM lignes_commande WHERE "
                           "produit_id = " +
                           std::to_string(id))[0]
                         .as<long long>();
  EXPECT_EQ(env().get_produit(id).at("stock").get<long long>(), kStock - units);
  long long missing = 0;
  for (const long long order_id : acknowledged) {
    missing += tx.exec1("SELECT count(*) FROM commandes WHERE id = " + std::to_string(order_id))[0]
                   .as<long long>() == 0;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " orders acknowledged with 201";
  RecordProperty("readyz_503_ms", static_cast<int>(to_503.count()));
  RecordProperty("recovery_ms", static_cast<int>(recovery.count()));
  RecordProperty("orders_acknowledged", static_cast<int>(acknowledged.size()));
}

}  // namespace
}  // namespace boutique::it
