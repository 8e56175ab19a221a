#include "domain/commande.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "db/embedded.hpp"

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

// The order's one JSON writer: exact bytes (money exact with two decimals, a deleted product's id
// null, the total the sum of the lines), and exactly the members of openapi.json's Commande.
TEST(CommandeJson, ExactBytes) {
  Commande c;
  c.id = 12;
  c.utilisateur_id = 3;
  c.statut = "validee";
  c.created_at = "2026-11-25T10:00:00Z";
  c.lignes = {{4, "Clavier \"pro\"", 2, 6490}, {std::nullopt, "Souris", 1, 1005}};
  EXPECT_EQ(commande_total(c), 2 * 6490 + 1005);
  EXPECT_EQ(commande_json(c),
            R"({"id":12,"utilisateur_id":3,"statut":"validee","total":139.85,)"
            R"("created_at":"2026-11-25T10:00:00Z","lignes":[)"
            R"({"produit_id":4,"nom":"Clavier \"pro\"","quantite":2,"prix_unitaire":64.90,)"
            R"("sous_total":129.80},)"
            R"({"produit_id":null,"nom":"Souris","quantite":1,"prix_unitaire":10.05,)"
            R"("sous_total":10.05}]})");
  c.lignes.clear();
  EXPECT_EQ(json::parse(commande_json(c)).at("lignes"), json::array());
}

TEST(CommandeJson, HasExactlyTheMembersOfTheOpenApiSchema) {
  const auto doc = json::parse(boutique::db::embedded::openapi_json());
  const auto& schema = doc["components"]["schemas"]["Commande"];
  const auto members = [](const json& object) {
    std::set<std::string> names;
    for (const auto& [name, _] : object.items()) names.insert(name);
    return names;
  };
  const auto names = [](const json& array) {
    std::set<std::string> out;
    for (const auto& name : array) out.insert(name.get<std::string>());
    return out;
  };
  Commande c;
  c.lignes = {{1, "x", 1, 100}};
  const auto written = json::parse(commande_json(c));
  EXPECT_EQ(members(written), members(schema["properties"]));
  EXPECT_EQ(names(schema["required"]), members(schema["properties"]));
  const auto& ligne = schema["properties"]["lignes"]["items"];
  EXPECT_EQ(members(written["lignes"][0]), members(ligne["properties"]));
  EXPECT_EQ(names(ligne["required"]), members(ligne["properties"]));
}
