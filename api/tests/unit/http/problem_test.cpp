// The problem catalogue (http/problem.cpp): one entry per kind, in order, unique types, and the
// table of docs/api.md says exactly what the catalogue says.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "http/problem.hpp"

using namespace boutique::http;

TEST(ProblemCatalogue, OneEntryPerKindInOrderWithUniqueTypes) {
  std::set<std::string_view> slugs;
  const auto& all = problem_types();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(ProblemKind::service_indisponible) + 1);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].kind), i) << all[i].slug;
    EXPECT_TRUE(slugs.insert(all[i].slug).second) << "duplicate type " << all[i].slug;
    EXPECT_GE(all[i].status, 400);
    EXPECT_LT(all[i].status, 600);
  }
}

TEST(ProblemCatalogue, DocsListEveryTypeWithItsStatusAndTitle) {
  std::ifstream in(std::string(BOUTIQUE_SOURCE_DIR) + "/docs/api.md");
  ASSERT_TRUE(in) << "docs/api.md not found";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string docs = ss.str();
  std::size_t rows = 0;
  for (const auto& t : problem_types()) {
    const std::string row = "| " + std::to_string(t.status) + " | `/problems/" +
                            std::string(t.slug) + "` | " + std::string(t.title) + " |";
    EXPECT_NE(docs.find(row), std::string::npos) << "docs/api.md lacks the row " << row;
    ++rows;
  }
  std::size_t documented = 0;
  for (std::size_t at = docs.find("| `/problems/"); at != std::string::npos;
       at = docs.find("| `/problems/", at + 1))
    ++documented;
  EXPECT_EQ(documented, rows) << "docs/api.md lists a problem type the API does not have";
}

TEST(ProblemCatalogue, ResponseCarriesTypeTitleStatusAndDetail) {
  const auto r = produit_not_found(42).response();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(
      r.body,
      "{\"type\":\"/problems/introuvable\",\"title\":\"Ressource introuvable\",\"status\":404,"
      "\"detail\":\"aucun produit avec l'id 42\"}");
  EXPECT_EQ(Problem(ProblemKind::interdit).response().body,
            "{\"type\":\"/problems/interdit\",\"title\":\"Accès refusé\",\"status\":403,"
            "\"detail\":\"Accès refusé\"}");
}
