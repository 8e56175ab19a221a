#include "domain/produit_query.hpp"

#include <gtest/gtest.h>

using namespace boutique::domain;
using Params = std::vector<std::pair<std::string, std::string>>;

TEST(ProduitQuery, Defaults) {
  FieldErrors errors;
  const auto q = parse_produit_query({}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(q.page, 1);
  EXPECT_EQ(q.par_page, kDefaultParPage);
  EXPECT_EQ(q.tri, Tri::kId);
  EXPECT_EQ(q.offset(), 0);
}

TEST(ProduitQuery, ParsesEveryFilter) {
  FieldErrors errors;
  const auto q = parse_produit_query({{"categorie", "Écrans"},
                                      {"q", "4K"},
                                      {"min_prix", "100"},
                                      {"max_prix", "700.5"},
                                      {"tri", "-prix"},
                                      {"page", "3"},
                                      {"par_page", "10"},
                                      {"_", "cache-buster"}},
                                     errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(q.categorie, "Écrans");
  EXPECT_EQ(q.q, "4K");
  EXPECT_EQ(q.min_prix, 10000);
  EXPECT_EQ(q.max_prix, 70050);
  EXPECT_EQ(q.tri, Tri::kPrixDesc);
  EXPECT_EQ(q.offset(), 20);
  EXPECT_EQ(q.canonical_filters(),
            "categorie=%C3%89crans&q=4K&min_prix=100.00&max_prix=700.50&tri=-prix");
}

TEST(ProduitQuery, InvalidValuesNameTheirParameter) {
  // std::string values: a `const char*` from std::string(101, 'a').c_str() dangled once the array's
  // initialiser ended, and the test then read freed memory (it failed about one run in twenty).
  const std::pair<std::string, std::string> cases[] = {{"page", "0"},
                                                       {"page", "x"},
                                                       {"page", "1.5"},
                                                       {"par_page", "101"},
                                                       {"par_page", "0"},
                                                       {"tri", "prix;--"},
                                                       {"min_prix", "-1"},
                                                       {"max_prix", "abc"},
                                                       {"categorie", ""},
                                                       {"q", "\xFF"},
                                                       {"q", std::string(101, 'a')}};
  for (const auto& [key, value] : cases) {
    FieldErrors errors;
    parse_produit_query({{key, value}}, errors);
    EXPECT_EQ(errors.count(key), 1u) << key << "=" << value;
  }
}

TEST(ProduitQuery, MinAboveMaxIsAnError) {
  FieldErrors errors;
  parse_produit_query({{"min_prix", "50"}, {"max_prix", "10"}}, errors);
  EXPECT_EQ(errors.count("min_prix"), 1u);
}

TEST(ProduitQuery, PagingLinks) {
  FieldErrors errors;
  const auto q =
      parse_produit_query({{"page", "2"}, {"par_page", "10"}, {"categorie", "Audio"}}, errors);
  EXPECT_EQ(paging_links("/api/produits", q, 25),
            "</api/produits?categorie=Audio&page=1&par_page=10>; rel=\"first\", "
            "</api/produits?categorie=Audio&page=1&par_page=10>; rel=\"prev\", "
            "</api/produits?categorie=Audio&page=3&par_page=10>; rel=\"next\", "
            "</api/produits?categorie=Audio&page=3&par_page=10>; rel=\"last\"");
  const auto first = parse_produit_query({}, errors);
  EXPECT_EQ(paging_links("/api/produits", first, 0),
            "</api/produits?page=1&par_page=50>; rel=\"first\", "
            "</api/produits?page=1&par_page=50>; rel=\"last\"");
}

// Found by tests/fuzz (api_request): past kMaxPage pages, the "next" and "last" links pointed to a
// page the API itself refuses (page must be at most 1000000).
TEST(ProduitQuery, PagingLinksStopAtTheLastServedPage) {
  FieldErrors errors;
  const auto q = parse_produit_query({{"page", "1000000"}, {"par_page", "1"}}, errors);
  ASSERT_TRUE(errors.empty());
  EXPECT_EQ(paging_links("/api/produits", q, 5'000'000),
            "</api/produits?page=1&par_page=1>; rel=\"first\", "
            "</api/produits?page=999999&par_page=1>; rel=\"prev\", "
            "</api/produits?page=1000000&par_page=1>; rel=\"last\"");
  parse_produit_query({{"page", std::to_string(kMaxPage + 1)}}, errors);
  EXPECT_EQ(errors.count("page"), 1u);
}

TEST(ProduitQuery, PercentCoding) {
  EXPECT_EQ(percent_decode("a%20b+c%C3%A9"), "a b cé");
  EXPECT_FALSE(percent_decode("%2"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_EQ(percent_encode("a b&c=é"), "a%20b%26c%3D%C3%A9");
}

TEST(ProduitQuery, LikePatternEscapesWildcards) {
  EXPECT_EQ(like_pattern("100%_x\\"), "%100\\%\\_x\\\\%");
}
