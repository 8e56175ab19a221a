// Renderers: table, JSON, JUnit XML from the same list of checks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/output.hpp"

using namespace boutique::core;

namespace {
std::vector<Check> sample() {
  return {{"api", "healthz", true, "GET /healthz -> HTTP 200 (1 ms)", "", true, 0.001},
          {"web", "proxy", false, "HTTP 502 <bad gateway> & \"more\"", "check the api rows", true,
           0.002},
          {"node", "found", false, "not found", "apt-get install nodejs", false, 0}};
}
}  // namespace

TEST(Output, AllOkIgnoresOptionalChecks) {
  auto c = sample();
  EXPECT_FALSE(all_ok(c));
  c[1].ok = true;
  EXPECT_TRUE(all_ok(c));  // the optional "node" row does not count
}

TEST(Output, TableAlignsColumnsAndListsHints) {
  std::string t = render_checks_table(sample(), false);
  EXPECT_EQ(t.find("COMPONENT  CHECK    STATUS   DETAIL\n"), 0u) << t;
  EXPECT_NE(t.find("api        healthz  ok       GET /healthz"), std::string::npos) << t;
  EXPECT_NE(t.find("web        proxy    FAIL"), std::string::npos) << t;
  EXPECT_NE(t.find("node       found    missing"), std::string::npos) << t;
  EXPECT_NE(t.find("web/proxy: check the api rows"), std::string::npos) << t;
  EXPECT_EQ(t.find("\033["), std::string::npos);  // no colour when asked for none
  EXPECT_NE(render_checks_table(sample(), true).find("\033[31mFAIL"), std::string::npos);
}

TEST(Output, TableCountsUtf8Characters) {
  std::string t = render_table({"A", "B"}, {{{"Écrans"}, {"x"}}, {{"abcdef"}, {"y"}}}, false);
  EXPECT_NE(t.find("Écrans  x\n"), std::string::npos) << t;
  EXPECT_NE(t.find("abcdef  y\n"), std::string::npos) << t;
}

TEST(Output, JsonHasEveryField) {
  auto j = nlohmann::json::parse(render_checks_json(sample(), "local"));
  EXPECT_EQ(j["target"], "local");
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["checks"].size(), 3u);
  EXPECT_EQ(j["checks"][1]["component"], "web");
  EXPECT_EQ(j["checks"][1]["ok"], false);
  EXPECT_EQ(j["checks"][1]["hint"], "check the api rows");
  EXPECT_EQ(j["checks"][2]["required"], false);
}

TEST(Output, JunitOneTestcasePerCheckEscaped) {
  std::string x = render_junit(sample(), "boutique.status.local");
  EXPECT_NE(x.find("<testsuite name=\"boutique.status.local\" tests=\"3\" failures=\"1\""),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<testcase classname=\"boutique.status.local.api\" name=\"healthz\""),
            std::string::npos);
  EXPECT_NE(x.find("<failure message=\"HTTP 502 &lt;bad gateway&gt; &amp; &quot;more&quot;\">"
                   "check the api rows</failure>"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<skipped message=\"not found\"/>"), std::string::npos);
}

TEST(Output, XmlEscapeDropsControlCharacters) {
  EXPECT_EQ(xml_escape(std::string("a\x01<b")), "a &lt;b");
}
