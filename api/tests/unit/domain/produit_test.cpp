#include "domain/produit.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "db/embedded.hpp"

using namespace boutique::domain;
using nlohmann::json;

TEST(Produit, AcceptsACompleteProduct) {
  FieldErrors errors;
  const auto in = parse_produit(
      json::parse(R"({"nom":" Clavier ","categorie":"Claviers","prix":"64.90","stock":3})"),
      Completeness::kAllRequired, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(in.nom, "Clavier");  // trimmed
  EXPECT_EQ(in.prix, 6490);
  EXPECT_EQ(in.stock, 3);
  EXPECT_FALSE(in.description);
}

TEST(Produit, PriceAsNumberOrString) {
  const std::pair<const char*, Cents> cases[] = {{R"({"prix": 12.5})", 1250},
                                                 {R"({"prix": 12})", 1200},
                                                 {R"({"prix": "12.50"})", 1250},
                                                 {R"({"prix": 0})", 0}};
  for (const auto& [body, cents] : cases) {
    FieldErrors errors;
    EXPECT_EQ(parse_produit(json::parse(body), Completeness::kPartial, errors).prix, cents) << body;
    EXPECT_TRUE(errors.empty()) << body;
  }
}

TEST(Produit, ReportsEveryInvalidField) {
  FieldErrors errors;
  parse_produit(
      json::parse(
          R"({"nom":"","categorie":7,"prix":-1,"stock":-2,"image_url":"javascript:x","price":3})"),
      Completeness::kAllRequired, errors);
  EXPECT_EQ(errors.count("nom"), 1u);
  EXPECT_EQ(errors.count("categorie"), 1u);
  EXPECT_EQ(errors.count("prix"), 1u);
  EXPECT_EQ(errors.count("stock"), 1u);
  EXPECT_EQ(errors.count("image_url"), 1u);
  EXPECT_EQ(errors.at("price"), "champ inconnu");
}

TEST(Produit, ImageUrlIsEmptyAPathOfThisSiteOrAnHttpUrl) {
  for (const char* ok :
       {"", "/assets/a.svg", "https://cdn.example/a.webp", "http://x.test/b.png"}) {
    FieldErrors errors;
    parse_produit(json{{"image_url", ok}}, Completeness::kPartial, errors);
    EXPECT_EQ(errors.count("image_url"), 0u) << ok;
  }
  for (const char* bad : {"//evil.example/a.png", "images/a.png", "ftp://x/a", "/a b.png"}) {
    FieldErrors errors;
    parse_produit(json{{"image_url", bad}}, Completeness::kPartial, errors);
    EXPECT_EQ(errors.count("image_url"), 1u) << bad;
  }
}

TEST(Produit, RejectsMorePrecisionThanCents) {
  FieldErrors errors;
  parse_produit(json::parse(R"({"prix":"12.345"})"), Completeness::kPartial, errors);
  EXPECT_EQ(errors.count("prix"), 1u);
  errors.clear();
  parse_produit(json::parse(R"({"prix":12.345})"), Completeness::kPartial, errors);
  EXPECT_EQ(errors.count("prix"), 1u);
  errors.clear();
  parse_produit(json::parse(R"({"prix":1000000.01})"), Completeness::kPartial, errors);
  EXPECT_EQ(errors.count("prix"), 1u);
}

TEST(Produit, RequiredFieldsOnlyWhenComplete) {
  FieldErrors errors;
  parse_produit(json::parse(R"({"stock":1})"), Completeness::kAllRequired, errors);
  EXPECT_EQ(errors.size(), 3u);  // nom, categorie, prix
  errors.clear();
  const auto patch = parse_produit(json::parse(R"({"stock":1})"), Completeness::kPartial, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(patch.stock, 1);
}

TEST(Produit, EmptyPatchAndEchoedMembers) {
  FieldErrors errors;
  parse_produit(json::parse(R"({})"), Completeness::kPartial, errors);
  EXPECT_EQ(errors.count("corps"), 1u);
  errors.clear();
  parse_produit(json::parse(R"({"id":4,"created_at":"x","stock":2})"), Completeness::kPartial,
                errors);
  EXPECT_TRUE(errors.empty());
  errors.clear();
  parse_produit(json::parse(R"([1,2])"), Completeness::kPartial, errors);
  EXPECT_EQ(errors.count("corps"), 1u);
}

TEST(Produit, StockBounds) {
  FieldErrors errors;
  parse_produit(json::parse(R"({"stock":1.5})"), Completeness::kPartial, errors);
  EXPECT_EQ(errors.count("stock"), 1u);
  errors.clear();
  parse_produit(json::parse(R"({"stock":18446744073709551615})"), Completeness::kPartial, errors);
  EXPECT_EQ(errors.count("stock"), 1u);
}

// The product's one JSON writer: exact bytes (prix an exact number with two decimals, strings
// escaped), and exactly the members of openapi.json's Produit schema, all of them required there.
TEST(ProduitJson, ExactBytes) {
  Produit p;
  p.id = 7;
  p.nom = "Clavier \"pro\"";
  p.categorie = "Claviers";
  p.prix = 6490;
  p.stock = 3;
  p.description = "é\n";
  p.created_at = "2026-11-25T10:00:00Z";
  p.updated_at = "2026-11-26T10:00:00Z";
  EXPECT_EQ(produit_json(p),
            R"({"id":7,"nom":"Clavier \"pro\"","categorie":"Claviers","prix":64.90,"stock":3,)"
            R"("description":"é\n","image_url":"","created_at":"2026-11-25T10:00:00Z",)"
            R"("updated_at":"2026-11-26T10:00:00Z"})");
}

TEST(ProduitJson, HasExactlyTheMembersOfTheOpenApiSchema) {
  const auto doc = json::parse(boutique::db::embedded::openapi_json());
  const auto& schema = doc["components"]["schemas"]["Produit"];
  std::set<std::string> documented, required;
  for (const auto& [name, _] : schema["properties"].items()) documented.insert(name);
  for (const auto& name : schema["required"]) required.insert(name.get<std::string>());
  const auto object = json::parse(produit_json(Produit{}));
  std::set<std::string> written;
  for (const auto& [name, _] : object.items()) written.insert(name);
  EXPECT_EQ(written, documented) << "the writer and openapi.json's Produit differ";
  EXPECT_EQ(required, documented) << "every member is always sent: the schema must require it";
}

TEST(CategorieJson, ExactBytesAndTheOpenApiSchema) {
  std::string out;
  append_categorie_json(out, {"Écrans \"4K\"", 12});
  EXPECT_EQ(out, R"({"nom":"Écrans \"4K\"","nombre_produits":12})");
  const auto doc = json::parse(boutique::db::embedded::openapi_json());
  const auto& schema = doc["components"]["schemas"]["Categorie"];
  std::set<std::string> documented, required, written;
  for (const auto& [name, _] : schema["properties"].items()) documented.insert(name);
  for (const auto& name : schema["required"]) required.insert(name.get<std::string>());
  const auto object = json::parse(out);
  for (const auto& [name, _] : object.items()) written.insert(name);
  EXPECT_EQ(written, documented);
  EXPECT_EQ(required, documented);
}
