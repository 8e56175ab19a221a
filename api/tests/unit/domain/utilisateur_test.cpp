#include "domain/utilisateur.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "db/embedded.hpp"

using namespace boutique::domain;
using nlohmann::json;

TEST(Utilisateur, NormalisesEmails) {
  EXPECT_EQ(normalise_email("  Alice@Example.FR "), "alice@example.fr");
  for (const char* bad :
       {"", "alice", "@example.fr", "alice@", "alice@example", "a@b@c.fr", "alice@.fr",
        "alice@example.", "al ice@example.fr", "alice@exa..mple.fr", "<a>@b.fr"}) {
    EXPECT_FALSE(normalise_email(bad)) << bad;
  }
}

TEST(Utilisateur, Registration) {
  FieldErrors errors;
  const auto in = parse_inscription(
      json::parse(R"({"nom":"Alice","email":"Alice@Example.fr","password":"0123456789"})"), errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(in.email, "alice@example.fr");
}

TEST(Utilisateur, RegistrationErrors) {
  FieldErrors errors;
  parse_inscription(json::parse(R"({"nom":"","email":"nope","password":"short","role":"admin"})"),
                    errors);
  EXPECT_EQ(errors.count("nom"), 1u);
  EXPECT_EQ(errors.count("email"), 1u);
  EXPECT_EQ(errors.count("password"), 1u);
  EXPECT_EQ(errors.at("role"), "champ inconnu");  // nobody registers as admin
}

// Found by tests/fuzz (api_body): "\u0000" in nom was accepted, but PostgreSQL text cannot hold a
// NUL: the name would not have been stored as sent.
TEST(Utilisateur, RegistrationRefusesNulInName) {
  FieldErrors errors;
  parse_inscription(
      json::parse(
          R"({"nom":" Zo\u0000é ","email":"zoe@example.fr","password":"un mot de passe long"})"),
      errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors["nom"], "contient un caractère interdit");
}

TEST(Utilisateur, Credentials) {
  FieldErrors errors;
  parse_identifiants(json::parse(R"({"email":"a@b.fr"})"), errors);
  EXPECT_EQ(errors.count("password"), 1u);
}

// The account's one JSON writer against openapi.json's Utilisateur: every member documented, the
// required ones always written, email only when asked (an admin, or the account itself).
TEST(UtilisateurJson, MembersAreTheOpenApiSchemas) {
  const auto doc = json::parse(boutique::db::embedded::openapi_json());
  const auto& schema = doc["components"]["schemas"]["Utilisateur"];
  const Utilisateur u{3, "Ada", "ada@example.org", "user"};
  const auto without = json::parse(utilisateur_json(u, false));
  const auto with = json::parse(utilisateur_json(u, true));
  for (const auto& [name, _] : with.items())
    EXPECT_TRUE(schema["properties"].contains(name)) << name << " is not in the schema";
  for (const auto& name : schema["required"])
    EXPECT_TRUE(without.contains(name.get<std::string>())) << name << " is required";
  EXPECT_FALSE(without.contains("email"));
  EXPECT_EQ(with["email"], "ada@example.org");
  EXPECT_EQ(utilisateur_json(u, true),
            R"({"id":3,"nom":"Ada","email":"ada@example.org","role":"user"})");
}
