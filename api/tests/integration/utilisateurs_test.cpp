// GET/POST /api/utilisateurs and GET /api/utilisateurs/{id}: what each caller may see, pages,
// registration.
#include <gtest/gtest.h>

#include <set>

#include "support/api_test.hpp"

namespace boutique::it {
namespace {

const nlohmann::json* by_email(const nlohmann::json& users, const std::string& email) {
  for (const auto& u : users) {
    if (u.value("email", "") == email) return &u;
  }
  return nullptr;
}

class Utilisateurs : public ApiTest<Utilisateurs> {};

TEST_F(Utilisateurs, AnonymousListHasNoEmailAndNoSecret) {
  const Response r = http().get("/api/utilisateurs");
  ASSERT_TRUE(IsJson(r, 200));
  const auto users = r.json();
  ASSERT_TRUE(users.is_array());
  ASSERT_GE(users.size(), 2U) << "demo admin and customer";
  int admins = 0;
  for (const auto& u : users) {
    EXPECT_TRUE(u.at("id").is_number_integer());
    EXPECT_TRUE(u.at("nom").is_string());
    const auto role = u.at("role").get<std::string>();
    EXPECT_TRUE(role == "admin" || role == "user") << role;
    admins += role == "admin" ? 1 : 0;
    EXPECT_FALSE(u.contains("email")) << "anonymous caller sees an email: " << u.dump();
  }
  EXPECT_GE(admins, 1);
  expect_no_secret(r);
}

TEST_F(Utilisateurs, AdminSeesEveryEmail) {
  const Response r = http().get("/api/utilisateurs", env().admin_token());
  ASSERT_TRUE(IsJson(r, 200));
  for (const auto& u : r.json()) EXPECT_TRUE(u.contains("email")) << u.dump();
  EXPECT_NE(by_email(r.json(), env().admin_email()), nullptr);
  EXPECT_NE(by_email(r.json(), kDemoUserEmail), nullptr);
  expect_no_secret(r);
}

TEST_F(Utilisateurs, CustomerSeesOnlyTheirOwnEmail) {
  const auto me = env().register_user("voyeur");
  const Response r = http().get("/api/utilisateurs", me.token);
  ASSERT_TRUE(IsJson(r, 200));
  for (const auto& u : r.json()) {
    if (u.at("id") == me.id) {
      EXPECT_EQ(u.value("email", ""), me.email) << "the user themself gets their email";
    } else {
      EXPECT_FALSE(u.contains("email")) << "a customer sees someone else's email: " << u.dump();
    }
  }
  expect_no_secret(r);
}

TEST_F(Utilisateurs, RegisterCreatesACustomer) {
  const nlohmann::json body = {
      {"nom", "Alice"}, {"email", "alice@example.com"}, {"password", "correct-horse"}};
  const Response r = http().post("/api/utilisateurs", body);
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_TRUE(r.json().at("id").is_number_integer());
  EXPECT_EQ(r.json().at("nom"), "Alice");
  EXPECT_EQ(r.json().at("role"), "user");
  expect_no_secret(r);
  EXPECT_FALSE(env().login("alice@example.com", "correct-horse").empty());

  const Response again = http().post("/api/utilisateurs", body);
  EXPECT_TRUE(IsProblem(again, 409)) << "email taken";
}

// POST's Location names a route that answers: the account, its email only for an admin and for
// the account itself.
TEST_F(Utilisateurs, LocationOfANewAccountAnswers) {
  const nlohmann::json body = {
      {"nom", "Berthe"}, {"email", "berthe@example.com"}, {"password", "correct-horse-2"}};
  const Response created = http().post("/api/utilisateurs", body);
  ASSERT_TRUE(IsJson(created, 201));
  const auto location = created.header("Location").value_or("");
  ASSERT_EQ(location,
            "/api/utilisateurs/" + std::to_string(created.json().at("id").get<long long>()));

  const Response anonymous = http().get(location);
  ASSERT_TRUE(IsJson(anonymous, 200)) << anonymous.describe();
  EXPECT_EQ(anonymous.json().at("nom"), "Berthe");
  EXPECT_FALSE(anonymous.json().contains("email"));
  expect_no_secret(anonymous);

  const auto own = env().login("berthe@example.com", "correct-horse-2");
  EXPECT_EQ(http().send({.path = location, .bearer = own}).json().at("email"),
            "berthe@example.com");
  EXPECT_EQ(http().send({.path = location, .bearer = env().admin_token()}).json().at("email"),
            "berthe@example.com");
  EXPECT_FALSE(
      http().send({.path = location, .bearer = env().user_token()}).json().contains("email"))
      << "another customer";
  EXPECT_TRUE(IsProblem(http().get("/api/utilisateurs/999999"), 404));
  EXPECT_TRUE(IsProblem(http().get("/api/utilisateurs/abc"), 400));
}

TEST_F(Utilisateurs, RegisterCannotChooseAdminRole) {
  const Response r = http().post("/api/utilisateurs", {{"nom", "Mallory"},
                                                       {"email", "mallory@example.com"},
                                                       {"password", "0123456789ab"},
                                                       {"role", "admin"}});
  if (r.status == 201) {
    EXPECT_EQ(r.json().at("role"), "user") << r.describe();
    const auto token = env().login("mallory@example.com", "0123456789ab");
    EXPECT_TRUE(IsProblem(http().post("/api/produits", {{"nom", "x"}}, token), 403));
  } else {
    EXPECT_TRUE(IsFieldProblem(r, 422, {"role"}));
  }
}

TEST_F(Utilisateurs, InvalidRegistrationsAre422) {
  const auto valid = nlohmann::json{{"nom", "Bob"}, {"email", "bob@example.com"}};
  auto short_pw = valid;
  short_pw["password"] = "123456789";  // 9 characters
  EXPECT_TRUE(IsFieldProblem(http().post("/api/utilisateurs", short_pw), 422, {"password"}));
  auto bad_email = valid;
  bad_email["email"] = "pas-un-email";
  bad_email["password"] = "0123456789";
  EXPECT_TRUE(IsFieldProblem(http().post("/api/utilisateurs", bad_email), 422, {"email"}));
  EXPECT_TRUE(IsFieldProblem(
      http().post("/api/utilisateurs", {{"email", "c@example.com"}, {"password", "0123456789"}}),
      422, {"nom"}));
  auto ten = valid;
  ten["password"] = "0123456789";  // exactly 10: accepted
  EXPECT_TRUE(IsJson(http().post("/api/utilisateurs", ten), 201));
}

// The list comes in pages, as the catalogue does: X-Total-Count, Link, page and par_page; bad
// values are a 400 naming the parameter.
TEST_F(Utilisateurs, TheListIsPaged) {
  for (int i = 0; i < 3; ++i) env().register_user("page" + std::to_string(i));
  const Response all = http().get("/api/utilisateurs?par_page=100");
  ASSERT_TRUE(IsJson(all, 200));
  const auto total = std::stoll(all.header("X-Total-Count").value_or("-1"));
  ASSERT_GE(total, 5);  // the two demo accounts and ours
  EXPECT_EQ(static_cast<long long>(all.json().size()), std::min(total, 100LL));

  const Response second = http().get("/api/utilisateurs?page=2&par_page=2");
  ASSERT_TRUE(IsJson(second, 200));
  ASSERT_EQ(second.json().size(), 2U);
  EXPECT_EQ(second.json()[0].at("id"), all.json()[2].at("id")) << "ordered by id, offset 2";
  EXPECT_EQ(second.header("X-Total-Count"), std::to_string(total));
  const auto link = second.header("Link").value_or("");
  EXPECT_NE(link.find("</api/utilisateurs?page=1&par_page=2>; rel=\"prev\""), std::string::npos)
      << link;
  EXPECT_NE(link.find("rel=\"last\""), std::string::npos) << link;

  const Response past = http().get("/api/utilisateurs?page=100000");
  ASSERT_TRUE(IsJson(past, 200));
  EXPECT_TRUE(past.json().empty());
  EXPECT_EQ(past.header("X-Total-Count"), std::to_string(total)) << "counted past the end too";

  for (const char* bad : {"page=0", "par_page=101", "page=deux"}) {
    const Response r = http().get(std::string("/api/utilisateurs?") + bad);
    EXPECT_TRUE(IsProblem(r, 400)) << bad;
    const auto param = std::string(bad).substr(0, std::string(bad).find('='));
    EXPECT_TRUE(r.json().at("errors").contains(param)) << r.describe();
  }
}

}  // namespace
}  // namespace boutique::it
