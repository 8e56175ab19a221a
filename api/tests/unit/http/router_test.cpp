// Router: the route table's paths and methods, path parameters, 404 and 405.
#include <gtest/gtest.h>

#include <string>

#include "http/router.hpp"
#include "http/routes.hpp"

namespace boutique::http {
namespace {

std::size_t index_of(Method method, std::string_view path) {
  const auto& table = routes();
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].method == method && table[i].path == path) return i;
  ADD_FAILURE() << "no route " << method_name(method) << " " << path;
  return table.size();
}

TEST(Router, FindsEveryRouteOfTheTable) {
  const Router router(routes());
  for (std::size_t i = 0; i < routes().size(); ++i) {
    std::string path(routes()[i].path);
    for (auto at = path.find(':'); at != std::string::npos; at = path.find(':'))
      path.replace(
          at, path.find('/', at) == std::string::npos ? path.size() - at : path.find('/', at) - at,
          "42");
    const auto m = router.match(routes()[i].method, path);
    EXPECT_EQ(m.route, i) << path;
    ASSERT_NE(m.allow, nullptr) << path;
  }
}

TEST(Router, NamesPathParametersAsSent) {
  const Router router(routes());
  const auto m = router.match(Method::kGet, "/api/produits/12%33");
  EXPECT_EQ(m.route, index_of(Method::kGet, "/api/produits/:id"));
  ASSERT_EQ(m.params.size(), 1U);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "12%33") << "decoding is the handler's (decode_id)";
  EXPECT_TRUE(router.match(Method::kGet, "/api/produits").params.empty());
}

TEST(Router, EmptySegmentsAreIgnored) {
  const Router router(routes());
  const auto list = index_of(Method::kGet, "/api/produits");
  for (const char* path : {"/api/produits/", "//api//produits", "/api/produits//"})
    EXPECT_EQ(router.match(Method::kGet, path).route, list) << path;
  EXPECT_EQ(router.match(Method::kGet, "/api//produits//7/").route,
            index_of(Method::kGet, "/api/produits/:id"));
}

TEST(Router, UnknownPathsHaveNoAllowList) {
  const Router router(routes());
  for (const char* path : {"/", "", "/api", "/api/produits/1/2", "/API/produits", "/api/produit",
                           "/api/produits/1/2/3/4/5/6/7/8/9", "*", "/healthz/x"}) {
    const auto m = router.match(Method::kGet, path);
    EXPECT_EQ(m.route, routes().size()) << path;
    EXPECT_EQ(m.allow, nullptr) << path;
  }
}

TEST(Router, AnotherMethodOfAKnownPathGetsItsAllowList) {
  const Router router(routes());
  const auto del = router.match(Method::kDelete, "/api/produits");
  EXPECT_EQ(del.route, routes().size());
  ASSERT_NE(del.allow, nullptr);
  EXPECT_EQ(*del.allow, "GET, POST, OPTIONS");
  const auto options = router.match(Method::kOptions, "/api/produits/3");
  EXPECT_EQ(options.route, routes().size()) << "OPTIONS is the server's own (CORS preflight)";
  ASSERT_NE(options.allow, nullptr);
  EXPECT_EQ(*options.allow, "GET, PUT, PATCH, DELETE, OPTIONS");
  const auto head = router.match(Method::kHead, "/healthz");
  EXPECT_EQ(head.route, routes().size());
  ASSERT_NE(head.allow, nullptr);
  EXPECT_EQ(*head.allow, "GET, OPTIONS");
}

TEST(Router, AFixedSegmentWinsOverAParameter) {
  const auto pattern_table = std::vector<RouteDef>{
      {Method::kGet, "/a/:x", nullptr},
      {Method::kGet, "/a/b", nullptr},
  };
  const Router router(pattern_table);
  EXPECT_EQ(router.match(Method::kGet, "/a/b").route, 1U);
  EXPECT_EQ(router.match(Method::kGet, "/a/c").route, 0U);
}

TEST(Router, RefusesATableThatDefinesARouteTwice) {
  const auto twice = std::vector<RouteDef>{
      {Method::kGet, "/a/:x", nullptr},
      {Method::kGet, "/a/:y", nullptr},
  };
  EXPECT_THROW(Router{twice}, std::logic_error);
}

}  // namespace
}  // namespace boutique::http
