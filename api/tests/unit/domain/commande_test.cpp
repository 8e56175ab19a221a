#include "domain/commande.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace boutique::domain;
using nlohmann::json;

TEST(Commande, MergesAndSortsLines) {
  FieldErrors errors;
  const auto lignes = parse_commande(
      json::parse(
          R"({"lignes":[{"produit_id":9,"quantite":1},{"produit_id":2,"quantite":2},{"produit_id":9,"quantite":3}]})"),
      errors);
  ASSERT_TRUE(errors.empty());
  ASSERT_EQ(lignes.size(), 2u);
  EXPECT_EQ(lignes[0].produit_id, 2);
  EXPECT_EQ(lignes[1].produit_id, 9);
  EXPECT_EQ(lignes[1].quantite, 4);
  EXPECT_EQ(canonical_lignes(lignes), "2:2;9:4;");
}

TEST(Commande, RejectsBadLines) {
  for (const char* body : {R"({})", R"({"lignes":[]})", R"({"lignes":{}})", R"([])"}) {
    FieldErrors errors;
    parse_commande(json::parse(body), errors);
    EXPECT_FALSE(errors.empty()) << body;
  }
  FieldErrors errors;
  parse_commande(
      json::parse(R"({"lignes":[{"produit_id":0,"quantite":1},{"produit_id":1,"quantite":0},7]})"),
      errors);
  EXPECT_EQ(errors.count("lignes[0].produit_id"), 1u);
  EXPECT_EQ(errors.count("lignes[1].quantite"), 1u);
  EXPECT_EQ(errors.count("lignes[2]"), 1u);
}

TEST(Commande, ClientPricesAreNotPartOfTheRequest) {
  FieldErrors errors;
  const auto lignes = parse_commande(
      json::parse(R"({"lignes":[{"produit_id":1,"quantite":1,"prix":0.01}]})"), errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(canonical_lignes(lignes), "1:1;");
}

TEST(Commande, LineTotals) {
  EXPECT_EQ(line_total(6490, 2), 12980);
  EXPECT_FALSE(line_total(INT64_MAX / 2, 3));
}
