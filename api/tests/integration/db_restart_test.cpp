// PostgreSQL goes away and comes back: data routes answer 503 problems, /readyz 503, /healthz 200,
// the process survives, and everything recovers by itself. This suite owns its cluster (stopping
// the shared one would break the suites running in parallel).
#include <gtest/gtest.h>

#include <functional>
#include <thread>

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
      start_cluster(own_cluster());
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
};

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
  EXPECT_TRUE(IsProblem(http().get("/readyz"), 503));
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

}  // namespace
}  // namespace boutique::it
