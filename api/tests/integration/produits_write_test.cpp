// POST/PUT/PATCH/DELETE /api/produits: admin only, 422 per field, Location, partial PATCH, and the
// list cache staying coherent with every write.
#include <gtest/gtest.h>

#include "support/api_test.hpp"

namespace boutique::it {
namespace {

nlohmann::json full_produit(const std::string& nom) {
  return {
      {"nom", nom},  {"categorie", "ITEcriture"},      {"prix", "1899.00"},
      {"stock", 12}, {"description", "Ultraportable"}, {"image_url", "/images/produits/x1.svg"}};
}

std::string path_of(long long id) {
  return "/api/produits/" + std::to_string(id);
}

class EcritureProduits : public ApiTest<EcritureProduits> {
 protected:
  long long total() {
    const Response r = http().get("/api/produits?par_page=1");
    return std::stoll(r.header("X-Total-Count").value_or("-1"));
  }
};

TEST_F(EcritureProduits, WritesNeedAnAdminToken) {
  const auto id = env().create_produit({{"nom", "Protégé"}}).at("id").get<long long>();
  const std::string user = env().user_token();
  const auto body = full_produit("Intrus");
  struct Call {
    std::string method;
    std::string path;
  };
  for (const Call& c : {Call{"POST", "/api/produits"}, Call{"PUT", path_of(id)},
                        Call{"PATCH", path_of(id)}, Call{"DELETE", path_of(id)}}) {
    Request req{.method = c.method, .path = c.path};
    if (c.method != "DELETE") req.body = body.dump();
    EXPECT_TRUE(IsProblem(http().send(req), 401)) << c.method << " without token";
    req.bearer = "not-a-real-token";
    EXPECT_TRUE(IsProblem(http().send(req), 401)) << c.method << " with a bogus token";
    req.bearer = user;
    EXPECT_TRUE(IsProblem(http().send(req), 403)) << c.method << " as a customer";
  }
  EXPECT_EQ(env().get_produit(id).at("nom"), "Protégé") << "nothing changed";
}

TEST_F(EcritureProduits, PostCreatesWith201AndLocation) {
  const Response r = http().post("/api/produits", full_produit("ThinkPad X1"), env().admin_token());
  ASSERT_TRUE(IsJson(r, 201));
  const auto p = r.json();
  const auto id = p.at("id").get<long long>();
  EXPECT_EQ(p.at("nom"), "ThinkPad X1");
  EXPECT_EQ(p.at("categorie"), "ITEcriture");
  EXPECT_EQ(cents(p.at("prix")), 189900);
  EXPECT_EQ(p.at("stock"), 12);
  EXPECT_EQ(p.at("description"), "Ultraportable");
  EXPECT_EQ(p.at("image_url"), "/images/produits/x1.svg");
  ASSERT_TRUE(r.has_header("Location")) << r.describe();
  const std::string location = path_and_query(*r.header("Location"));
  EXPECT_EQ(location, path_of(id));
  const Response again = http().get(location);
  ASSERT_TRUE(IsJson(again, 200));
  EXPECT_EQ(again.json(), p);
}

TEST_F(EcritureProduits, PrixAcceptsNumberOrString) {
  EXPECT_EQ(cents(env().create_produit({{"prix", 12.5}}).at("prix")), 1250);
  EXPECT_EQ(cents(env().create_produit({{"prix", "0.99"}}).at("prix")), 99);
  EXPECT_EQ(cents(env().create_produit({{"prix", 7}}).at("prix")), 700);
  EXPECT_EQ(cents(env().create_produit({{"prix", "0"}}).at("prix")), 0) << "≥ 0 includes 0";
}

TEST_F(EcritureProduits, InvalidFieldsAre422PerField) {
  const long long before = total();
  const std::vector<std::pair<nlohmann::json, std::vector<std::string>>> cases = {
      {{{"stock", -1}}, {"stock"}},
      {{{"stock", "dix"}}, {"stock"}},
      {{{"stock", 1.5}}, {"stock"}},
      {{{"prix", "12.345"}}, {"prix"}},
      {{{"prix", 12.345}}, {"prix"}},
      {{{"prix", -1}}, {"prix"}},
      {{{"prix", "-1.00"}}, {"prix"}},
      {{{"prix", "abc"}}, {"prix"}},
      {{{"prix", nullptr}}, {"prix"}},
      {{{"nom", ""}}, {"nom"}},
      {{{"nom", 42}}, {"nom"}},
      {{{"prix", -1}, {"stock", -1}, {"nom", ""}}, {"prix", "stock", "nom"}},
  };
  for (const auto& [patch, fields] : cases) {
    auto body = full_produit("Invalide");
    body.update(patch);
    const Response r = http().post("/api/produits", body, env().admin_token());
    EXPECT_TRUE(IsFieldProblem(r, 422, fields)) << body.dump();
  }
  auto missing = full_produit("x");
  missing.erase("nom");
  EXPECT_TRUE(
      IsFieldProblem(http().post("/api/produits", missing, env().admin_token()), 422, {"nom"}));
  EXPECT_EQ(total(), before) << "no invalid product was created";
}

TEST_F(EcritureProduits, MalformedJsonIs400) {
  const Request req{.method = "POST",
                    .path = "/api/produits",
                    .body = R"({"nom": "x", "prix": )",
                    .bearer = env().admin_token()};
  EXPECT_TRUE(IsProblem(http().send(req), 400));
}

TEST_F(EcritureProduits, PutReplacesAndRequiresEveryField) {
  const auto id = env().create_produit({{"nom", "Avant"}}).at("id").get<long long>();
  auto body = full_produit("Après");
  body["prix"] = "49.90";
  body["stock"] = 3;
  const Response r = http().put(path_of(id), body, env().admin_token());
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json().at("nom"), "Après");
  EXPECT_EQ(cents(r.json().at("prix")), 4990);
  EXPECT_EQ(env().get_produit(id).at("stock"), 3);

  auto partial = full_produit("Sans nom");
  partial.erase("nom");
  EXPECT_TRUE(IsFieldProblem(http().put(path_of(id), partial, env().admin_token()), 422, {"nom"}));
  auto no_prix = full_produit("Sans prix");
  no_prix.erase("prix");
  EXPECT_TRUE(IsFieldProblem(http().put(path_of(id), no_prix, env().admin_token()), 422, {"prix"}));
  EXPECT_EQ(env().get_produit(id).at("nom"), "Après") << "a rejected PUT changes nothing";
  EXPECT_TRUE(IsProblem(http().put(path_of(99999999), body, env().admin_token()), 404));
  EXPECT_TRUE(IsProblem(http().put("/api/produits/abc", body, env().admin_token()), 400));
}

TEST_F(EcritureProduits, PatchChangesOnlyGivenFields) {
  const auto created = env().create_produit({{"nom", "Partiel"}, {"prix", "15.00"}, {"stock", 8}});
  const auto id = created.at("id").get<long long>();
  const Response r = http().patch(path_of(id), {{"stock", 5}}, env().admin_token());
  ASSERT_TRUE(IsJson(r, 200));
  const auto after = env().get_produit(id);
  EXPECT_EQ(after.at("stock"), 5);
  for (const char* same : {"nom", "categorie", "prix", "description", "image_url", "created_at"}) {
    EXPECT_EQ(after.at(same), created.at(same)) << same;
  }
  EXPECT_TRUE(IsFieldProblem(http().patch(path_of(id), {{"prix", "12.345"}}, env().admin_token()),
                             422, {"prix"}));
  EXPECT_TRUE(IsFieldProblem(http().patch(path_of(id), {{"stock", -1}}, env().admin_token()), 422,
                             {"stock"}));
  EXPECT_TRUE(
      IsFieldProblem(http().patch(path_of(id), {{"nom", ""}}, env().admin_token()), 422, {"nom"}));
  EXPECT_EQ(env().get_produit(id).at("stock"), 5) << "rejected PATCHes change nothing";
  EXPECT_EQ(cents(env().get_produit(id).at("prix")), 1500);
  EXPECT_TRUE(IsProblem(http().patch(path_of(99999999), {{"stock", 1}}, env().admin_token()), 404));
}

TEST_F(EcritureProduits, DeleteIs204Then404) {
  const auto id = env().create_produit({{"nom", "Éphémère"}}).at("id").get<long long>();
  const Response r = http().del(path_of(id), env().admin_token());
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_TRUE(r.body.empty()) << r.describe();
  EXPECT_TRUE(IsProblem(http().get(path_of(id)), 404));
  EXPECT_TRUE(IsProblem(http().del(path_of(id), env().admin_token()), 404));
  EXPECT_TRUE(IsProblem(http().del("/api/produits/0", env().admin_token()), 400));
}

// The product list and the categories are served from a cache: every write must show at once.
class CoherenceCache : public ApiTest<CoherenceCache> {
 protected:
  struct Listing {
    long long total = 0;
    nlohmann::json items;
  };
  Listing default_list() {
    const Response r = http().get("/api/produits");
    EXPECT_TRUE(IsJson(r, 200));
    return {std::stoll(r.header("X-Total-Count").value_or("-1")), r.json()};
  }
  static const nlohmann::json* find(const nlohmann::json& items, long long id) {
    for (const auto& p : items) {
      if (p.at("id") == id) return &p;
    }
    return nullptr;
  }
  long long category_count(const std::string& nom) {
    const Response r = http().get("/api/categories");
    EXPECT_TRUE(IsJson(r, 200));
    for (const auto& c : r.json()) {
      if (c.at("nom") == nom) return c.at("nombre_produits").get<long long>();
    }
    return 0;
  }
};

TEST_F(CoherenceCache, ListAndCategoriesFollowEveryWrite) {
  const auto before = default_list();
  default_list();  // warm whatever cache there is
  ASSERT_EQ(category_count("ITCache"), 0);
  ASSERT_LT(before.total, 50) << "the new product must fit on the default page";

  const auto id =
      env().create_produit({{"categorie", "ITCache"}, {"prix", "10.00"}}).at("id").get<long long>();
  auto now = default_list();
  EXPECT_EQ(now.total, before.total + 1);
  ASSERT_NE(find(now.items, id), nullptr) << "created product missing from the list";
  EXPECT_EQ(category_count("ITCache"), 1);

  ASSERT_EQ(
      http()
          .patch("/api/produits/" + std::to_string(id), {{"prix", "11.11"}}, env().admin_token())
          .status,
      200);
  now = default_list();
  ASSERT_NE(find(now.items, id), nullptr);
  EXPECT_EQ(cents(find(now.items, id)->at("prix")), 1111) << "stale price after PATCH";
  const Response cheap = http().get("/api/produits?categorie=ITCache&max_prix=11.00");
  EXPECT_EQ(cheap.json().size(), 0U) << cheap.describe();

  auto put = env().get_produit(id);
  for (const char* k : {"id", "created_at", "updated_at"}) put.erase(k);
  put["categorie"] = "ITCache2";
  ASSERT_EQ(http().put("/api/produits/" + std::to_string(id), put, env().admin_token()).status,
            200);
  EXPECT_EQ(category_count("ITCache"), 0);
  EXPECT_EQ(category_count("ITCache2"), 1);
  now = default_list();
  ASSERT_NE(find(now.items, id), nullptr);
  EXPECT_EQ(find(now.items, id)->at("categorie"), "ITCache2");

  ASSERT_EQ(http().del("/api/produits/" + std::to_string(id), env().admin_token()).status, 204);
  now = default_list();
  EXPECT_EQ(now.total, before.total);
  EXPECT_EQ(find(now.items, id), nullptr) << "deleted product still listed";
  EXPECT_EQ(category_count("ITCache2"), 0);
}

// Searches are cached too (apart from the lists): a repeated search is a cache hit, and a
// catalogue write shows in it at once.
TEST_F(CoherenceCache, SearchesAreCachedAndFollowEveryWrite) {
  const auto hits = [&] {
    const auto metrics = http().get("/metrics").body;
    const std::string name = "\nboutique_cache_hits_total ";
    const auto at = metrics.find(name);
    return at == std::string::npos ? -1LL : std::stoll(metrics.substr(at + name.size()));
  };
  const std::string path = "/api/produits?q=" + random_token(10);
  ASSERT_TRUE(IsJson(http().get(path), 200));
  const auto before = hits();
  const Response again = http().get(path);
  ASSERT_TRUE(IsJson(again, 200));
  EXPECT_EQ(hits(), before + 1) << "a repeated search was not served from memory";
  EXPECT_TRUE(again.json().empty());

  const auto term = path.substr(path.find("q=") + 2);
  const auto id = env().create_produit({{"nom", "Produit " + term}}).at("id").get<long long>();
  const Response found = http().get(path);
  ASSERT_TRUE(IsJson(found, 200));
  ASSERT_EQ(found.json().size(), 1U) << "the new product is missing from a cached search";
  EXPECT_EQ(found.json()[0].at("id"), id);
}

}  // namespace
}  // namespace boutique::it
