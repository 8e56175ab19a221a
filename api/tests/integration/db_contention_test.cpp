// Contention on the database path: rows locked past lock_timeout answer 503 with Retry-After (never
// 500) and the API recovers once the lock goes; a serialization failure or a deadlock is retried
// once by db::Pool, then answered 503; the order lines are indexed by product (migration 003), so
// deleting a product does not scan the order history under its row lock.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "db/errors.hpp"
#include "db/pool.hpp"
#include "support/api_test.hpp"

namespace boutique::it {
namespace {

class Contention : public ApiTest<Contention> {};

// Another session holds the product's row lock: the API's UPDATE waits lock_timeout (3 s), then
// answers 503 + Retry-After with a problem; once the lock is released the same PATCH succeeds.
TEST_F(Contention, ALockedRowIs503WithRetryAfterThenRecovers) {
  const auto id = env().create_produit({{"nom", "Verrouillé"}}).at("id").get<long long>();
  const auto path = "/api/produits/" + std::to_string(id);
  {
    pqxx::connection holder(env().database_url());
    pqxx::work lock(holder);
    lock.exec_params("SELECT id FROM produits WHERE id = $1 FOR UPDATE", id);
    const Response r = http().patch(path, {{"stock", 5}}, env().admin_token());
    ASSERT_TRUE(IsProblem(r, 503)) << r.describe();
    EXPECT_TRUE(r.has_header("Retry-After")) << r.describe();
    EXPECT_EQ(r.json().at("type"), "/problems/service-indisponible");
  }  // rolled back: the lock is gone
  const Response r = http().patch(path, {{"stock", 5}}, env().admin_token());
  ASSERT_TRUE(IsJson(r, 200)) << r.describe();
  EXPECT_EQ(r.json().at("stock"), 5);
}

TEST_F(Contention, OrderLinesAreIndexedByProduct) {
  pqxx::connection c(env().database_url());
  pqxx::nontransaction tx(c);
  const auto rows = tx.exec(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'lignes_commande'"
      " AND indexdef LIKE '%(produit_id)%'");
  EXPECT_EQ(rows.size(), 1u) << "no index on lignes_commande (produit_id)";
}

// db::Pool itself, on the suite's database: the conflicts PostgreSQL resolves by rolling one
// transaction back are retried once; a lock timeout is not (it already waited); anything else is
// a QueryFailed carrying its SQLSTATE.
TEST_F(Contention, PoolRetriesAConflictOnceThenAnswersUnavailable) {
  db::Pool pool(env().database_url(), 1, {});
  int calls = 0;
  EXPECT_EQ(pool.run([&](pqxx::connection&) {
    if (++calls == 1) throw pqxx::deadlock_detected("deadlock detected");
    return 42;
  }),
            42);
  EXPECT_EQ(calls, 2) << "a deadlock is retried once";

  calls = 0;
  EXPECT_THROW(pool.run([&](pqxx::connection&) -> int {
    ++calls;
    throw pqxx::serialization_failure("could not serialize access");
  }),
               db::Unavailable);
  EXPECT_EQ(calls, 2) << "retried once, then 503";

  calls = 0;
  EXPECT_THROW(pool.run([&](pqxx::connection&) -> int {
    ++calls;
    throw pqxx::sql_error("canceling statement due to lock timeout", "UPDATE", "55P03");
  }),
               db::Unavailable);
  EXPECT_EQ(calls, 1) << "a lock timeout is not retried";

  try {
    pool.run([](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      return tx.exec("SELECT * FROM table_absente").size();
    });
    ADD_FAILURE() << "no exception";
  } catch (const db::QueryFailed& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
  EXPECT_EQ(pool.run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec1("SELECT 1")[0].as<int>();
  }),
            1)
      << "the connection is still usable after those failures";
}

}  // namespace
}  // namespace boutique::it
