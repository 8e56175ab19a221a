// GET /api/produits (filters, sorting, paging headers, invalid values), GET /api/produits/{id},
// GET /api/categories — docs/api.md "GET /api/produits query parameters".
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "support/api_test.hpp"

namespace boutique::it {
namespace {

constexpr const char* kCat = "ITListe";

struct Fruit {
  const char* nom;
  const char* prix;
  const char* description;
};
// Name order, price order and creation order all differ on purpose.
constexpr Fruit kFruits[] = {
    {"Kiwi", "45.00", "vert"},          {"Banane", "12.50", "jaune"},
    {"Mangue", "99.99", "une ZORGLUB"}, {"Abricot", "5.00", "orange"},
    {"Figue", "20.00", "violette"},     {"Cerise", "60.00", "rouge"},
    {"Datte", "33.33", "brune"},        {"Lime", "20.01", "acide zorglub"},
    {"Ananas", "150.00", "tropical"},   {"Goyave", "7.25", "rose"},
    {"Hibiscus", "80.00", "fleur"},     {"Jujube", "40.00", "petit"},
};
constexpr size_t kCount = std::size(kFruits);

class ListeProduits : public ApiTest<ListeProduits> {
 public:
  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    if (!env_) return;
    try {
      for (const auto& f : kFruits) {
        const auto p = env().create_produit({{"nom", f.nom},
                                             {"categorie", kCat},
                                             {"prix", f.prix},
                                             {"description", f.description}});
        ids_.push_back(p.at("id").get<long long>());
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "creating the suite's products: " << e.what();
    }
  }

 protected:
  // GET /api/produits?<query> (categorie=ITListe prepended when `in_cat`), asserting 200 JSON
  // array.
  nlohmann::json list(const std::string& query, bool in_cat = true, Response* out = nullptr) {
    std::string path = "/api/produits?";
    if (in_cat) path += std::string("categorie=") + kCat + "&";
    const Response r = http().get(path + query);
    EXPECT_TRUE(IsJson(r, 200)) << path + query;
    if (out != nullptr) *out = r;
    auto body = r.status == 200 ? r.json() : nlohmann::json::array();
    EXPECT_TRUE(body.is_array()) << r.describe();
    return body;
  }

  static std::vector<std::string> noms(const nlohmann::json& items) {
    std::vector<std::string> out;
    for (const auto& p : items) out.push_back(p.at("nom").get<std::string>());
    return out;
  }

  static std::vector<long long> prix_cents(const nlohmann::json& items) {
    std::vector<long long> out;
    for (const auto& p : items) out.push_back(cents(p.at("prix")));
    return out;
  }

  static inline std::vector<long long> ids_;
};

TEST_F(ListeProduits, DefaultPageIsPlainArrayWithTotalCount) {
  Response r;
  const auto items = list("", false, &r);
  ASSERT_TRUE(r.has_header("X-Total-Count")) << r.describe();
  const long long total = std::stoll(*r.header("X-Total-Count"));
  EXPECT_GE(total, 24 + static_cast<long long>(kCount)) << "demo catalogue has at least 24";
  EXPECT_EQ(items.size(), static_cast<size_t>(std::min(total, 50LL)));
  for (const auto& p : items) {
    for (const char* field : {"id", "nom", "categorie", "prix", "stock", "description", "image_url",
                              "created_at", "updated_at"}) {
      EXPECT_TRUE(p.contains(field)) << field << " missing in " << p.dump();
    }
  }
  const auto ids = ids_of(items);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << "default order is by id";
}

TEST_F(ListeProduits, CategorieFilterIsExact) {
  Response r;
  const auto items = list("", true, &r);
  EXPECT_EQ(r.header("X-Total-Count"), std::to_string(kCount));
  EXPECT_EQ(ids_of(items), ids_);
  EXPECT_TRUE(list("", false).size() > items.size());
  const auto none = http().get("/api/produits?categorie=itliste");  // exact, not case-folded
  ASSERT_TRUE(IsJson(none, 200));
  EXPECT_EQ(none.json().size(), 0U) << none.describe();
}

TEST_F(ListeProduits, QSearchesNomAndDescriptionCaseInsensitively) {
  Response r;
  auto items = list("q=ZoRgLuB", false, &r);
  EXPECT_EQ(noms(items), (std::vector<std::string>{"Mangue", "Lime"}));
  EXPECT_EQ(r.header("X-Total-Count"), "2");
  EXPECT_EQ(noms(list("q=kiwi", false)), std::vector<std::string>{"Kiwi"});
  EXPECT_EQ(noms(list("q=ANG")), (std::vector<std::string>{"Mangue", "Abricot"}))
      << "Mangue by nom, Abricot by its description 'orange'";
}

TEST_F(ListeProduits, QIsLiteralNotALikePattern) {
  EXPECT_EQ(list("q=" + url_encode("%")).size(), 0U) << "'%' must not match everything";
  EXPECT_EQ(list("q=" + url_encode("_")).size(), 0U) << "'_' must not match any character";
}

TEST_F(ListeProduits, PriceBoundsAreInclusive) {
  EXPECT_EQ(noms(list("min_prix=20&max_prix=45")),
            (std::vector<std::string>{"Kiwi", "Figue", "Datte", "Lime", "Jujube"}));
  EXPECT_EQ(noms(list("min_prix=20.01&max_prix=40.00")),
            (std::vector<std::string>{"Datte", "Lime", "Jujube"}));
  EXPECT_EQ(noms(list("min_prix=99.99")), (std::vector<std::string>{"Mangue", "Ananas"}));
  EXPECT_EQ(noms(list("max_prix=7.25")), (std::vector<std::string>{"Abricot", "Goyave"}));
  for (const auto c : prix_cents(list("min_prix=100&par_page=100", false))) EXPECT_GE(c, 10000);
}

TEST_F(ListeProduits, TriOrders) {
  const auto asc = prix_cents(list("tri=prix"));
  EXPECT_EQ(asc.size(), kCount);
  EXPECT_TRUE(std::is_sorted(asc.begin(), asc.end()));
  const auto desc = prix_cents(list("tri=-prix"));
  EXPECT_TRUE(std::is_sorted(desc.rbegin(), desc.rend()));
  EXPECT_EQ(desc.front(), 15000);
  const auto by_nom = noms(list("tri=nom"));
  EXPECT_TRUE(std::is_sorted(by_nom.begin(), by_nom.end()));
  EXPECT_EQ(by_nom.front(), "Abricot");
  auto recent = ids_;
  std::reverse(recent.begin(), recent.end());
  EXPECT_EQ(ids_of(list("tri=recent")), recent) << "newest first";
  const auto all = prix_cents(list("tri=prix&par_page=100", false));
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
}

TEST_F(ListeProduits, PagesPartitionTheResult) {
  std::vector<long long> seen;
  for (int page = 1; page <= 3; ++page) {
    Response r;
    const auto items = list("par_page=5&page=" + std::to_string(page), true, &r);
    EXPECT_EQ(items.size(), page < 3 ? 5U : kCount - 10) << "page " << page;
    EXPECT_EQ(r.header("X-Total-Count"), std::to_string(kCount));
    const auto ids = ids_of(items);
    seen.insert(seen.end(), ids.begin(), ids.end());
  }
  EXPECT_EQ(seen, ids_);
  EXPECT_EQ(list("par_page=5&page=4").size(), 0U) << "past the last page: empty array";
  Response all;
  const auto hundred = list("par_page=100", false, &all);
  EXPECT_EQ(hundred.size(),
            std::min(100ULL, std::stoull(all.header("X-Total-Count").value_or("0"))));
}

TEST_F(ListeProduits, LinkHeaderOnMiddlePage) {
  Response r;
  list("par_page=5&page=2", true, &r);
  ASSERT_TRUE(r.has_header("Link")) << r.describe();
  const auto links = parse_link_header(*r.header("Link"));
  const std::map<std::string, std::string> expected_page{
      {"first", "1"}, {"prev", "1"}, {"next", "3"}, {"last", "3"}};
  for (const auto& [rel, page] : expected_page) {
    ASSERT_TRUE(links.count(rel)) << "no rel=" << rel << " in Link: " << *r.header("Link");
    const auto params = query_params(links.at(rel));
    EXPECT_EQ(params.count("page") ? params.at("page") : "1", page) << rel << ": " << links.at(rel);
    EXPECT_EQ(params.count("par_page") ? params.at("par_page") : "", "5") << links.at(rel);
    EXPECT_EQ(path_and_query(links.at(rel)).rfind("/api/produits?", 0), 0U) << links.at(rel);
  }
  // Following rel="next" must give the next page of the same (filtered) collection.
  const Response next = http().get(path_and_query(links.at("next")));
  ASSERT_TRUE(IsJson(next, 200));
  EXPECT_EQ(ids_of(next.json()), std::vector<long long>(ids_.begin() + 10, ids_.end()))
      << "rel=next " << links.at("next") << " lost the filters";
}

TEST_F(ListeProduits, LinkOmitsPrevOnFirstPageAndNextOnLast) {
  Response first;
  list("par_page=5&page=1", true, &first);
  const auto l1 = parse_link_header(first.header("Link").value_or(""));
  EXPECT_TRUE(l1.count("next") && l1.count("last") && l1.count("first")) << first.describe();
  EXPECT_FALSE(l1.count("prev")) << "page 1 has no previous page: " << *first.header("Link");
  Response last;
  list("par_page=5&page=3", true, &last);
  const auto l3 = parse_link_header(last.header("Link").value_or(""));
  EXPECT_TRUE(l3.count("prev") && l3.count("first")) << last.describe();
  EXPECT_FALSE(l3.count("next")) << "page 3 of 3 has no next page: " << *last.header("Link");
}

TEST_F(ListeProduits, InvalidQueryValuesAre400WithErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"categorie=", "categorie"},
      {"q=" + std::string(101, 'a'), "q"},
      {"min_prix=abc", "min_prix"},
      {"min_prix=-1", "min_prix"},
      {"min_prix=1%2C5", "min_prix"},
      {"max_prix=dix", "max_prix"},
      {"max_prix=-0.01", "max_prix"},
      {"tri=prix_desc", "tri"},
      {"tri=PRIX", "tri"},
      {"tri=", "tri"},
      {"page=0", "page"},
      {"page=-1", "page"},
      {"page=abc", "page"},
      {"page=1.5", "page"},
      {"par_page=0", "par_page"},
      {"par_page=101", "par_page"},
      {"par_page=abc", "par_page"},
      {"par_page=-5", "par_page"},
      // A repeated key is refused, not half read (Pistache kept the first one silently).
      {"page=2&page=9", "page"},
      {"tri=prix&tri=nom", "tri"},
  };
  for (const auto& [query, field] : cases) {
    const Response r = http().get("/api/produits?" + query);
    EXPECT_TRUE(IsFieldProblem(r, 400, {field})) << "query: " << query;
  }
  const Response swapped = http().get("/api/produits?min_prix=50&max_prix=10");
  ASSERT_TRUE(IsProblem(swapped, 400)) << "min > max";
  const auto errors = swapped.json().value("errors", nlohmann::json::object());
  EXPECT_TRUE(errors.contains("min_prix") || errors.contains("max_prix")) << swapped.describe();
  EXPECT_TRUE(IsJson(http().get("/api/produits?q=" + std::string(100, 'a')), 200)) << "100 is ok";
}

TEST_F(ListeProduits, GetByIdReturnsTheProduct) {
  const auto p = env().get_produit(ids_.at(2));
  EXPECT_EQ(p.at("nom"), "Mangue");
  EXPECT_EQ(p.at("categorie"), kCat);
  EXPECT_EQ(cents(p.at("prix")), 9999);
  static const std::regex kTimestamp(
      R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$)");
  EXPECT_TRUE(std::regex_match(p.at("created_at").get<std::string>(), kTimestamp)) << p.dump();
  EXPECT_TRUE(std::regex_match(p.at("updated_at").get<std::string>(), kTimestamp)) << p.dump();
}

TEST_F(ListeProduits, PrixIsWrittenAsANumberWithTwoDecimals) {
  const Response r = http().get("/api/produits/" + std::to_string(ids_.at(4)));  // Figue 20.00
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_TRUE(std::regex_search(r.body, std::regex(R"("prix"\s*:\s*20\.00[,}\s])"))) << r.body;
  const Response banane = http().get("/api/produits/" + std::to_string(ids_.at(1)));
  EXPECT_TRUE(std::regex_search(banane.body, std::regex(R"("prix"\s*:\s*12\.50[,}\s])")))
      << banane.body;
}

TEST_F(ListeProduits, GetByBadIdIs400AndAbsentIs404) {
  for (const char* bad : {"abc", "0", "-3", "1.5", "12abc", "%20"}) {
    EXPECT_TRUE(IsProblem(http().get(std::string("/api/produits/") + bad), 400)) << bad;
  }
  EXPECT_TRUE(IsProblem(http().get("/api/produits/99999999"), 404));
  const Response huge = http().get("/api/produits/99999999999999999999999");
  EXPECT_TRUE(huge.status == 400 || huge.status == 404) << huge.describe();
  EXPECT_TRUE(IsProblem(huge, huge.status));
}

TEST_F(ListeProduits, CategoriesCountProducts) {
  const Response r = http().get("/api/categories");
  ASSERT_TRUE(IsJson(r, 200));
  const auto cats = r.json();
  ASSERT_TRUE(cats.is_array());
  std::set<std::string> names;
  long long sum = 0;
  for (const auto& c : cats) {
    const auto nom = c.at("nom").get<std::string>();
    EXPECT_TRUE(names.insert(nom).second) << "duplicate category " << nom;
    const auto n = c.at("nombre_produits").get<long long>();
    sum += n;
    // Every count agrees with the list filtered on that category (UTF-8 names included).
    const Response filtered = http().get("/api/produits?par_page=1&categorie=" + url_encode(nom));
    EXPECT_EQ(filtered.header("X-Total-Count"), std::to_string(n)) << nom;
  }
  EXPECT_TRUE(names.count(kCat));
  EXPECT_GE(names.size(), 6U) << "demo data spans several categories plus " << kCat;
  Response all;
  list("", false, &all);
  EXPECT_EQ(all.header("X-Total-Count"), std::to_string(sum));
}

}  // namespace
}  // namespace boutique::it
