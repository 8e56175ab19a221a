// Every connection string gets the client-side timeouts, whatever its form, without overriding
// what its author set.
#include "db/conninfo.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <map>
#include <memory>
#include <string>

using boutique::db::with_client_timeouts;

namespace {

// What libpq reads from a connection string.
std::map<std::string, std::string> parsed(const std::string& conninfo) {
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &error), PQconninfoFree);
  EXPECT_NE(options, nullptr) << conninfo << ": " << (error ? error : "");
  PQfreemem(error);
  std::map<std::string, std::string> out;
  if (options)
    for (const PQconninfoOption* o = options.get(); o->keyword; ++o)
      if (o->val) out[o->keyword] = o->val;
  return out;
}

}  // namespace

TEST(Conninfo, AddsTheClientTimeoutsToAUri) {
  const auto p = parsed(
      with_client_timeouts("postgresql://boutique:s3cr%27t@db.example:5433/shop?sslmode=disable"));
  EXPECT_EQ(p.at("host"), "db.example");
  EXPECT_EQ(p.at("port"), "5433");
  EXPECT_EQ(p.at("user"), "boutique");
  EXPECT_EQ(p.at("password"), "s3cr't") << "quoted and escaped through the rewrite";
  EXPECT_EQ(p.at("dbname"), "shop");
  EXPECT_EQ(p.at("sslmode"), "disable");
  EXPECT_EQ(p.at("keepalives"), "1");
  EXPECT_EQ(p.at("keepalives_idle"), "2");
  EXPECT_EQ(p.at("keepalives_interval"), "1");
  EXPECT_EQ(p.at("keepalives_count"), "2");
  EXPECT_EQ(p.at("tcp_user_timeout"), "3000");
}

TEST(Conninfo, KeepsWhatTheStringSetsAndReadsKeyValueForm) {
  const auto p = parsed(
      with_client_timeouts(R"(host=postgres port=5432 tcp_user_timeout=9000 password='a b\\c')"));
  EXPECT_EQ(p.at("host"), "postgres");
  EXPECT_EQ(p.at("tcp_user_timeout"), "9000") << "the author's value wins";
  EXPECT_EQ(p.at("password"), "a b\\c");
  EXPECT_EQ(p.at("keepalives_idle"), "2");
}

TEST(Conninfo, AnUnparsableStringIsLeftForLibpqToReport) {
  EXPECT_EQ(with_client_timeouts("postgresql://[oops"), "postgresql://[oops");
}
