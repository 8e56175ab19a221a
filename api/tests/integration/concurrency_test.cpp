// Many simultaneous orders against a few units of stock: exactly as many succeed as there are
// units, the rest get 409, the stock never goes negative and the orders add up.
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <set>
#include <thread>

#include "support/api_test.hpp"

namespace boutique::it {
namespace {

struct Outcome {
  long status = 0;
  std::string detail;  // transport error or body of an unexpected status
  nlohmann::json body;
};

class Concurrence : public ApiTest<Concurrence> {
 public:
  static SuiteOptions suite_options() { return {.threads = 4}; }

 protected:
  // Runs `bodies[i]` as POST /api/commandes with tokens[i % tokens.size()], all threads released
  // together, each thread on its own connection.
  std::vector<Outcome> order_all_at_once(const std::vector<nlohmann::json>& bodies,
                                         const std::vector<std::string>& tokens) {
    std::vector<Outcome> outcomes(bodies.size());
    std::latch ready(static_cast<std::ptrdiff_t>(bodies.size()));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < bodies.size(); ++i) {
      threads.emplace_back([&, i] {
        HttpClient client = env().client();
        client.set_timeout(std::chrono::seconds(60));
        const Request req{.method = "POST",
                          .path = "/api/commandes",
                          .body = bodies[i].dump(),
                          .bearer = tokens[i % tokens.size()]};
        ready.arrive_and_wait();
        try {
          const Response r = client.send(req);
          outcomes[i].status = r.status;
          outcomes[i].detail = r.describe();
          if (nlohmann::json::accept(r.body)) outcomes[i].body = r.json();
        } catch (const std::exception& e) {
          outcomes[i].detail = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    return outcomes;
  }

  std::vector<std::string> customer_tokens(int n) {
    std::vector<std::string> tokens;
    for (int i = 0; i < n; ++i) tokens.push_back(env().register_user("foule").token);
    return tokens;
  }

  // Number of orders and units of `produit_id` over every order (admin view).
  std::pair<long long, long long> ordered(long long produit_id) {
    const Response r = http().get("/api/commandes", env().admin_token());
    EXPECT_TRUE(IsJson(r, 200));
    long long orders = 0, units = 0;
    for (const auto& c : r.json()) {
      for (const auto& l : c.at("lignes")) {
        if (l.at("produit_id") == produit_id) {
          ++orders;
          units += l.at("quantite").get<long long>();
        }
      }
    }
    return {orders, units};
  }
};

TEST_F(Concurrence, TwoHundredOrdersForFiftyUnits) {
  const auto id = env().create_produit({{"stock", 50}, {"prix", "3.10"}}).at("id").get<long long>();
  const std::vector<nlohmann::json> bodies(200,
                                           {{"lignes", {{{"produit_id", id}, {"quantite", 1}}}}});
  const auto outcomes = order_all_at_once(bodies, customer_tokens(5));

  std::map<long, int> by_status;
  for (const auto& o : outcomes) ++by_status[o.status];
  EXPECT_EQ(by_status[201], 50);
  EXPECT_EQ(by_status[409], 150);
  for (const auto& o : outcomes) {
    if (o.status == 201) {
      EXPECT_EQ(cents(o.body.at("total")), 310) << o.detail;
    } else if (o.status == 409) {
      EXPECT_EQ(o.body.value("produit_id", nlohmann::json()), id) << o.detail;
      EXPECT_EQ(o.body.value("stock_disponible", nlohmann::json()), 0) << o.detail;
    } else {
      ADD_FAILURE() << "unexpected outcome: " << (o.status ? "" : "no response: ") << o.detail;
    }
  }
  EXPECT_EQ(env().get_produit(id).at("stock"), 0);
  const auto [orders, units] = ordered(id);
  EXPECT_EQ(orders, 50);
  EXPECT_EQ(units, 50);
}

TEST_F(Concurrence, OppositeLineOrdersDoNotDeadlock) {
  const auto a = env().create_produit({{"stock", 1000}}).at("id").get<long long>();
  const auto b = env().create_produit({{"stock", 1000}}).at("id").get<long long>();
  std::vector<nlohmann::json> bodies;
  for (int i = 0; i < 100; ++i) {
    const auto first = i % 2 == 0 ? a : b;
    const auto second = i % 2 == 0 ? b : a;
    bodies.push_back(
        {{"lignes",
          {{{"produit_id", first}, {"quantite", 1}}, {{"produit_id", second}, {"quantite", 1}}}}});
  }
  const auto outcomes = order_all_at_once(bodies, customer_tokens(4));
  int created = 0;
  for (const auto& o : outcomes) {
    created += o.status == 201 ? 1 : 0;
    EXPECT_EQ(o.status, 201) << o.detail;
  }
  EXPECT_EQ(created, 100);
  EXPECT_EQ(env().get_produit(a).at("stock"), 900);
  EXPECT_EQ(env().get_produit(b).at("stock"), 900);
}

TEST_F(Concurrence, SameIdempotencyKeyRacedCreatesOneOrder) {
  const auto me = env().register_user("course");
  const auto id = env().create_produit({{"stock", 100}}).at("id").get<long long>();
  const nlohmann::json body = {{"lignes", {{{"produit_id", id}, {"quantite", 1}}}}};
  const std::string key = "course-" + random_token(16);
  std::vector<Outcome> outcomes(20);
  std::latch ready(20);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient client = env().client();
      const Request req{.method = "POST",
                        .path = "/api/commandes",
                        .headers = {{"Idempotency-Key", key}},
                        .body = body.dump(),
                        .bearer = me.token};
      ready.arrive_and_wait();
      try {
        const Response r = client.send(req);
        outcomes[i] = {r.status, r.describe(), r.json()};
      } catch (const std::exception& e) {
        outcomes[i].detail = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<long long> ids;
  for (const auto& o : outcomes) {
    // A retry racing the first request may be told to retry later (409/429) but never gets a
    // second order.
    EXPECT_TRUE(o.status == 201 || o.status == 409 || o.status == 429) << o.detail;
    if (o.status == 201) ids.insert(o.body.at("id").get<long long>());
  }
  EXPECT_EQ(ids.size(), 1U) << "one key, one order";
  EXPECT_EQ(env().get_produit(id).at("stock"), 99);
}

}  // namespace
}  // namespace boutique::it
