// POST/GET /api/commandes: server-side totals, stock decrement, all-or-nothing 409, validation,
// Idempotency-Key, and who sees which orders.
#include <gtest/gtest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "support/api_test.hpp"

namespace boutique::it {
namespace {

nlohmann::json ligne(long long produit_id, int quantite) {
  return {{"produit_id", produit_id}, {"quantite", quantite}};
}

nlohmann::json commande(std::initializer_list<nlohmann::json> lignes) {
  return {{"lignes", nlohmann::json(lignes)}};
}

class Commandes : public ApiTest<Commandes> {
 protected:
  long long stock(long long id) { return env().get_produit(id).at("stock").get<long long>(); }
  long long produit(const std::string& prix, int stock) {
    return env()
        .create_produit({{"prix", prix}, {"stock", stock}, {"categorie", "ITCommandes"}})
        .at("id")
        .get<long long>();
  }
  nlohmann::json orders(const std::string& token) {
    const Response r = http().get("/api/commandes", token);
    EXPECT_TRUE(IsJson(r, 200));
    auto body = r.status == 200 ? r.json() : nlohmann::json::array();
    EXPECT_TRUE(body.is_array()) << r.describe();
    return body;
  }
  Response order(const nlohmann::json& body, const std::string& token,
                 const std::string& idempotency_key = {}) {
    Request req{.method = "POST", .path = "/api/commandes", .body = body.dump(), .bearer = token};
    if (!idempotency_key.empty()) req.headers.emplace_back("Idempotency-Key", idempotency_key);
    return http().send(req);
  }
};

TEST_F(Commandes, AnonymousIs401) {
  const auto id = produit("1.00", 5);
  const Request req{
      .method = "POST", .path = "/api/commandes", .body = commande({ligne(id, 1)}).dump()};
  EXPECT_TRUE(IsProblem(http().send(req), 401));
  EXPECT_TRUE(IsProblem(http().get("/api/commandes"), 401));
  EXPECT_EQ(stock(id), 5);
}

TEST_F(Commandes, TotalIsComputedOnTheServerAndStockDecremented) {
  const auto me = env().register_user("total");
  const auto id = produit("19.99", 10);
  auto body = commande({{{"produit_id", id}, {"quantite", 3}, {"prix_unitaire", 0.01}}});
  body["total"] = 0.01;  // client prices are ignored
  const Response r = order(body, me.token);
  ASSERT_TRUE(IsJson(r, 201));
  const auto c = r.json();
  EXPECT_TRUE(c.at("id").is_number_integer());
  EXPECT_EQ(c.at("utilisateur_id"), me.id);
  EXPECT_EQ(c.at("statut"), "validee");
  EXPECT_TRUE(c.at("created_at").is_string());
  EXPECT_EQ(cents(c.at("total")), 5997);
  ASSERT_EQ(c.at("lignes").size(), 1U);
  const auto& l = c.at("lignes")[0];
  EXPECT_EQ(l.at("produit_id"), id);
  EXPECT_EQ(l.at("nom"), env().get_produit(id).at("nom"));
  EXPECT_EQ(l.at("quantite"), 3);
  EXPECT_EQ(cents(l.at("prix_unitaire")), 1999);
  EXPECT_EQ(cents(l.at("sous_total")), 5997);
  EXPECT_EQ(stock(id), 7);
}

TEST_F(Commandes, SeveralLinesAddUp) {
  const auto me = env().register_user("lignes");
  const auto a = produit("19.99", 10);
  const auto b = produit("5.50", 4);
  const Response r = order(commande({ligne(a, 2), ligne(b, 1)}), me.token);
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_EQ(cents(r.json().at("total")), 2 * 1999 + 550);
  EXPECT_EQ(r.json().at("lignes").size(), 2U);
  EXPECT_EQ(stock(a), 8);
  EXPECT_EQ(stock(b), 3);
}

TEST_F(Commandes, ShortStockIs409NamingTheProductAndChangesNothing) {
  const auto me = env().register_user("court");
  const auto a = produit("3.00", 5);
  const auto b = produit("4.00", 2);
  const auto b_nom = env().get_produit(b).at("nom");
  const auto before = orders(me.token).size();
  for (const auto& body :
       {commande({ligne(a, 1), ligne(b, 3)}), commande({ligne(b, 3), ligne(a, 1)})}) {
    const Response r = order(body, me.token);
    ASSERT_TRUE(IsProblem(r, 409)) << body.dump();
    const auto p = r.json();
    EXPECT_NE(p.at("type").get<std::string>().find("stock-insuffisant"), std::string::npos) << p;
    EXPECT_EQ(p.value("produit_id", nlohmann::json()), b) << p;
    EXPECT_EQ(p.value("nom", nlohmann::json()), b_nom) << p;
    EXPECT_EQ(p.value("stock_disponible", nlohmann::json()), 2) << p;
    EXPECT_EQ(stock(a), 5) << "all or nothing: the satisfiable line must be rolled back";
    EXPECT_EQ(stock(b), 2);
  }
  EXPECT_EQ(orders(me.token).size(), before) << "no order recorded";
}

TEST_F(Commandes, UnknownProductIs404AndChangesNothing) {
  const auto me = env().register_user("inconnu");
  const auto a = produit("3.00", 5);
  EXPECT_TRUE(IsProblem(order(commande({ligne(a, 1), ligne(99999999, 1)}), me.token), 404));
  EXPECT_EQ(stock(a), 5);
  EXPECT_EQ(orders(me.token).size(), 0U);
}

TEST_F(Commandes, InvalidLinesAre422) {
  const auto me = env().register_user("invalide");
  const auto a = produit("3.00", 5);
  const std::vector<nlohmann::json> bodies = {
      nlohmann::json::object(),
      {{"lignes", nlohmann::json::array()}},
      {{"lignes", "beaucoup"}},
      commande({ligne(a, 0)}),
      commande({ligne(a, -1)}),
      commande({{{"produit_id", a}, {"quantite", 1.5}}}),
      commande({{{"produit_id", a}, {"quantite", "2"}}}),
      commande({{{"quantite", 1}}}),
      commande({{{"produit_id", "abc"}, {"quantite", 1}}}),
      commande({{{"produit_id", a}}}),
  };
  for (const auto& body : bodies) {
    const Response r = order(body, me.token);
    ASSERT_TRUE(IsProblem(r, 422)) << body.dump();
    const auto errors = r.json().value("errors", nlohmann::json());
    EXPECT_TRUE(errors.is_object() && !errors.empty()) << "per-field errors: " << r.describe();
  }
  EXPECT_EQ(stock(a), 5);
  EXPECT_EQ(orders(me.token).size(), 0U);
}

TEST_F(Commandes, IdempotencyKeyReplaysTheFirstOrder) {
  const auto me = env().register_user("idem");
  const auto a = produit("2.50", 10);
  const auto key = "cle-" + random_token(24);
  const auto body = commande({ligne(a, 2)});
  const Response first = order(body, me.token, key);
  ASSERT_TRUE(IsJson(first, 201));
  EXPECT_NE(first.header("Idempotent-Replayed").value_or(""), "true");
  const Response retry = order(body, me.token, key);
  ASSERT_TRUE(IsJson(retry, 201));
  EXPECT_EQ(retry.json().at("id"), first.json().at("id"));
  EXPECT_EQ(retry.json().at("total"), first.json().at("total"));
  EXPECT_EQ(retry.header("Idempotent-Replayed"), "true") << retry.describe();
  EXPECT_EQ(stock(a), 8) << "the retry must not decrement the stock again";
  EXPECT_EQ(orders(me.token).size(), 1U) << "the retry must not create a second order";

  const Response other_body = order(commande({ligne(a, 3)}), me.token, key);
  EXPECT_TRUE(IsProblem(other_body, 422)) << "same key, another body";
  EXPECT_EQ(stock(a), 8);
  EXPECT_EQ(orders(me.token).size(), 1U);

  EXPECT_TRUE(IsJson(order(body, me.token, "autre-" + key), 201)) << "a new key is a new order";
  EXPECT_EQ(stock(a), 6);
}

TEST_F(Commandes, IdempotencyKeysBelongToOneUser) {
  const auto alice = env().register_user("idem-a");
  const auto bob = env().register_user("idem-b");
  const auto a = produit("2.50", 10);
  const auto key = "partagee-" + random_token(12);
  const auto body = commande({ligne(a, 1)});
  const Response first = order(body, alice.token, key);
  ASSERT_TRUE(IsJson(first, 201));
  const Response theirs = order(body, bob.token, key);
  ASSERT_TRUE(IsJson(theirs, 201)) << "another user's key must neither leak nor block an order";
  EXPECT_NE(theirs.json().at("id"), first.json().at("id")) << "Alice's order replayed to Bob";
  EXPECT_EQ(theirs.json().at("utilisateur_id"), bob.id);
  EXPECT_EQ(stock(a), 8);
}

TEST_F(Commandes, OverlongIdempotencyKeyIsRejected) {
  const auto me = env().register_user("idem-long");
  const auto a = produit("2.50", 10);
  const Response r = order(commande({ligne(a, 1)}), me.token, std::string(201, 'k'));
  EXPECT_TRUE(r.status == 400 || r.status == 422) << "keys are 1–200 chars: " << r.describe();
  EXPECT_TRUE(IsProblem(r, r.status));
  EXPECT_EQ(stock(a), 10);
}

TEST_F(Commandes, CustomersSeeTheirOwnOrdersAdminSeesAll) {
  const auto alice = env().register_user("liste-a");
  const auto bob = env().register_user("liste-b");
  const auto a = produit("1.00", 10);
  const auto ida = order(commande({ligne(a, 1)}), alice.token).json().at("id");
  const auto idb = order(commande({ligne(a, 2)}), bob.token).json().at("id");
  const auto mine = orders(alice.token);
  ASSERT_EQ(mine.size(), 1U);
  EXPECT_EQ(mine[0].at("id"), ida);
  EXPECT_EQ(mine[0].at("lignes").at(0).at("quantite"), 1);
  for (const auto& c : orders(bob.token)) EXPECT_EQ(c.at("utilisateur_id"), bob.id);
  const auto all = ids_of(orders(env().admin_token()));
  EXPECT_NE(std::find(all.begin(), all.end(), ida.get<long long>()), all.end());
  EXPECT_NE(std::find(all.begin(), all.end(), idb.get<long long>()), all.end());
}

TEST_F(Commandes, UnitPriceIsCapturedAtOrderTime) {
  const auto me = env().register_user("prix-fige");
  const auto a = produit("10.00", 10);
  ASSERT_TRUE(IsJson(order(commande({ligne(a, 2)}), me.token), 201));
  ASSERT_EQ(
      http()
          .patch("/api/produits/" + std::to_string(a), {{"prix", "20.00"}}, env().admin_token())
          .status,
      200);
  const auto mine = orders(me.token);
  ASSERT_EQ(mine.size(), 1U);
  EXPECT_EQ(cents(mine[0].at("lignes").at(0).at("prix_unitaire")), 1000);
  EXPECT_EQ(cents(mine[0].at("total")), 2000);
}

// An order reads the same wherever it is shown (201, replay, list), and keeps its lines, names,
// prices and total after its product is deleted (produit_id becomes null).
TEST_F(Commandes, AnOrderReadsTheSameEverywhereAndOutlivesItsProducts) {
  const auto me = env().register_user("relecture");
  const auto a = produit("3.10", 10);
  const auto b = produit("0.45", 10);
  const auto body = commande({ligne(b, 3), ligne(a, 2)});
  const auto key = "relire-" + random_token(12);
  const Response placed = order(body, me.token, key);
  ASSERT_TRUE(IsJson(placed, 201));
  const Response replayed = order(body, me.token, key);
  ASSERT_TRUE(IsJson(replayed, 201));
  EXPECT_EQ(replayed.body, placed.body) << "the replay shows the order as it was placed";
  const auto listed = orders(me.token);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0], placed.json());
  EXPECT_EQ(cents(listed[0].at("total")), 2 * 310 + 3 * 45);

  ASSERT_EQ(http().del("/api/produits/" + std::to_string(a), env().admin_token()).status, 204);
  const auto after = orders(me.token).at(0);
  ASSERT_EQ(after.at("lignes").size(), 2U);
  // Lines are in product id order, and a was created first.
  const auto& gone = after.at("lignes")[0];
  EXPECT_TRUE(gone.at("produit_id").is_null()) << after.dump();
  EXPECT_EQ(gone.at("nom"), placed.json().at("lignes")[0].at("nom"));
  EXPECT_EQ(cents(gone.at("sous_total")), 620);
  EXPECT_EQ(cents(after.at("total")), 2 * 310 + 3 * 45) << "the total does not change";
}

namespace {

// Notifications on 'produits_changed' received by a listener of our own within `wait`.
int notifications(pqxx::connection& conn, std::chrono::milliseconds wait) {
  int n = 0;
  const auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) n += conn.await_notification(0, 50'000);
  return n;
}

class Listener : public pqxx::notification_receiver {
 public:
  explicit Listener(pqxx::connection& conn)
      : pqxx::notification_receiver(conn, "produits_changed") {}
  void operator()(const std::string&, int) override {}
};

}  // namespace

// An order changes stock, not the catalogue: no NOTIFY (one per order would serialise every order's
// commit on PostgreSQL's notify lock); a price change still notifies. The list still shows the new
// stock within the cache's maximum age (1 s).
TEST_F(Commandes, OrdersDoNotNotifyButTheListShowsTheirStockWithinASecond) {
  const auto me = env().register_user("fraicheur");
  const auto id = produit("4.20", 50);
  pqxx::connection conn(env().database_url());
  Listener listener(conn);
  conn.get_notifs();  // LISTEN is issued now
  const auto stock_in_list = [&] {
    const auto list = http().get("/api/produits?categorie=ITCommandes&par_page=100").json();
    for (const auto& p : list)
      if (p.at("id") == id) return p.at("stock").get<long long>();
    return -1LL;
  };
  ASSERT_EQ(stock_in_list(), 50);  // cached now
  ASSERT_TRUE(IsJson(order(commande({ligne(id, 3)}), me.token), 201));
  EXPECT_EQ(notifications(conn, std::chrono::milliseconds(500)), 0) << "an order sent a NOTIFY";
  const auto t0 = std::chrono::steady_clock::now();
  while (stock_in_list() != 47 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling, bounded
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(stock_in_list(), 47);
  EXPECT_LT(took, std::chrono::milliseconds(1500)) << "the list showed old stock for too long";
  ASSERT_EQ(
      http()
          .patch("/api/produits/" + std::to_string(id), {{"prix", "4.30"}}, env().admin_token())
          .status,
      200);
  EXPECT_GE(notifications(conn, std::chrono::milliseconds(2000)), 1)
      << "a price change must notify";
}

}  // namespace
}  // namespace boutique::it
