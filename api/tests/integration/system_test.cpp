// /healthz, /readyz, /api/info, /metrics and /api/openapi.json — plus the check that OpenAPI,
// docs/api.md and the router agree on every route.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/api_test.hpp"

namespace boutique::it {
namespace {

using Route = std::pair<std::string, std::string>;  // {"GET", "/api/produits/{id}"}

// The route table of docs/api.md: rows like "| GET | `/api/produits` | anyone | ...".
std::set<Route> documented_routes() {
  std::ifstream in(source_dir() / "docs" / "api.md");
  static const std::regex kRow(R"(^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|)");
  std::set<Route> routes;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kRow)) routes.emplace(m[1].str(), m[2].str());
  }
  return routes;
}

struct Sample {
  std::string name;
  std::string labels;
  double value = 0;
};

std::vector<Sample> parse_metrics(const std::string& text, std::vector<std::string>& bad_lines) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?[ \t]+(\S+)([ \t]+-?[0-9]+)?$)");
  std::vector<Sample> samples;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) {
      bad_lines.push_back(line);
      continue;
    }
    try {
      samples.push_back({m[1].str(), m[3].str(), std::stod(m[4].str())});
    } catch (const std::exception&) {
      bad_lines.push_back(line);
    }
  }
  return samples;
}

// Sum of the request counters that carry the route /healthz and status 200.
double healthz_requests(const std::vector<Sample>& samples) {
  double sum = 0;
  for (const auto& s : samples) {
    if (s.name.find("request") != std::string::npos && s.name.ends_with("_total") &&
        s.labels.find("\"/healthz\"") != std::string::npos &&
        s.labels.find("\"200\"") != std::string::npos) {
      sum += s.value;
    }
  }
  return sum;
}

class Systeme : public ApiTest<Systeme> {
 public:
  static SuiteOptions suite_options() {
    return {.extra_env = {{"POD_NAME", "backend-7d9c-x2l4q"}}};
  }

 protected:
  std::vector<Sample> metrics() {
    const Response r = http().get("/metrics");
    EXPECT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/plain", 0), 0U) << r.describe();
    std::vector<std::string> bad;
    auto samples = parse_metrics(r.body, bad);
    EXPECT_TRUE(bad.empty()) << "not Prometheus text format: " << bad.front();
    return samples;
  }
};

TEST_F(Systeme, HealthzAndReadyz) {
  const Response h = http().get("/healthz");
  ASSERT_TRUE(IsJson(h, 200));
  EXPECT_EQ(h.json(), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(http().get("/readyz").status, 200);
}

// docs/api.md names the facts but not the fields; these are the implementation's names.
TEST_F(Systeme, InfoDescribesTheReplica) {
  const Response r = http().get("/api/info");
  ASSERT_TRUE(IsJson(r, 200));
  const auto info = r.json();
  std::array<char, 256> host{};
  gethostname(host.data(), host.size());
  EXPECT_EQ(info.value("name", ""), "boutique-api") << info.dump(2);
  EXPECT_EQ(info.value("version", ""), project_version()) << info.dump(2);
  EXPECT_FALSE(info.value("commit", "").empty()) << info.dump(2);
  EXPECT_TRUE(info.contains("uptime_seconds") && info["uptime_seconds"].is_number() &&
              info["uptime_seconds"].get<double>() >= 0)
      << info.dump(2);
  EXPECT_EQ(info.value("hostname", ""), std::string(host.data())) << "which replica answered";
  EXPECT_EQ(info.value("pod", ""), "backend-7d9c-x2l4q") << "POD_NAME from the downward API";
  const auto db = info.value("database", nlohmann::json::object());
  EXPECT_EQ(db.value("status", ""), "up") << info.dump(2);
  EXPECT_EQ(db.value("server_version", "").rfind("15.", 0), 0U) << "PostgreSQL 15: " << db.dump();
  EXPECT_TRUE(db.contains("migration_version") && db["migration_version"].is_number_integer() &&
              db["migration_version"].get<int>() >= 1)
      << db.dump();
}

TEST_F(Systeme, MetricsCountRequestsByRouteAndStatus) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(http().get("/healthz").status, 200);
  const auto before = metrics();
  const double healthz_before = healthz_requests(before);
  EXPECT_GE(healthz_before, 3) << "no request counter for route /healthz status 200";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(http().get("/healthz").status, 200);
  ASSERT_EQ(http().get("/api/produits/99999999").status, 404);
  const auto after = metrics();
  EXPECT_GE(healthz_requests(after) - healthz_before, 5);
  bool has_404 = false, has_bucket = false, has_pool = false, has_cache = false;
  for (const auto& s : after) {
    has_404 |= s.name.find("request") != std::string::npos &&
               s.labels.find("\"404\"") != std::string::npos;
    has_bucket |= s.name.ends_with("_bucket") && s.labels.find("le=\"+Inf\"") != std::string::npos;
    has_pool |= s.name.find("pool") != std::string::npos;
    has_cache |= s.name.find("cache") != std::string::npos;
  }
  EXPECT_TRUE(has_404) << "requests by status: no 404 counted";
  EXPECT_TRUE(has_bucket) << "no latency histogram (_bucket with le=\"+Inf\")";
  EXPECT_TRUE(has_pool) << "no connection pool gauge";
  EXPECT_TRUE(has_cache) << "no cache hit/miss counter";
}

TEST_F(Systeme, MetricsRoutesAreTemplatesAndListCacheHits) {
  const std::string junk = "/zz-" + random_token(10);
  ASSERT_EQ(http().get(junk).status, 404);
  ASSERT_EQ(http().get("/api/produits/3").status, 200);
  auto value = [](const std::vector<Sample>& samples, const std::string& part) {
    double sum = 0;
    for (const auto& s : samples) {
      if (s.name.find(part) != std::string::npos) sum += s.value;
    }
    return sum;
  };
  const auto before = metrics();
  for (const auto& s : before) {
    EXPECT_EQ(s.labels.find(junk.substr(1)), std::string::npos)
        << "unknown paths must not become label values (unbounded cardinality): " << s.labels;
    EXPECT_EQ(s.labels.find("/api/produits/3\""), std::string::npos)
        << "ids must not become label values: " << s.labels;
  }
  for (int i = 0; i < 3; ++i) ASSERT_EQ(http().get("/api/produits").status, 200);
  const auto after = metrics();
  EXPECT_GE(value(after, "cache_hits") - value(before, "cache_hits"), 2)
      << "repeated identical list requests are cache hits";
}

TEST_F(Systeme, OpenApiIs31AndDocumentsExactlyTheDocumentedRoutes) {
  const Response r = http().get("/api/openapi.json");
  ASSERT_TRUE(IsJson(r, 200));
  const auto doc = r.json();
  ASSERT_TRUE(doc.at("openapi").is_string());
  EXPECT_EQ(doc.at("openapi").get<std::string>().rfind("3.1.", 0), 0U) << doc.at("openapi");
  EXPECT_TRUE(doc.at("info").at("title").is_string());
  EXPECT_EQ(doc.at("info").at("version"), project_version());
  std::set<Route> in_openapi;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper == "PARAMETERS" || upper == "SUMMARY" || upper == "DESCRIPTION") continue;
      in_openapi.emplace(upper, path);
      EXPECT_FALSE(op.value("responses", nlohmann::json::object()).empty())
          << upper << " " << path << " documents no response";
    }
  }
  const auto documented = documented_routes();
  ASSERT_GE(documented.size(), 19U) << "could not read the route table of docs/api.md";
  for (const auto& route : documented) {
    EXPECT_TRUE(in_openapi.count(route)) << route.first << " " << route.second
                                         << " is in docs/api.md but not in the OpenAPI document";
  }
  for (const auto& route : in_openapi) {
    EXPECT_TRUE(documented.count(route))
        << route.first << " " << route.second << " is in OpenAPI but not in docs/api.md";
  }
}

TEST_F(Systeme, EveryDocumentedRouteIsRouted) {
  for (const auto& [method, path] : documented_routes()) {
    const std::string concrete = std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "1");
    Request req{.method = method, .path = concrete};
    if (method == "POST" || method == "PUT" || method == "PATCH") req.body = "{}";
    const Response resp = http().send(req);
    EXPECT_NE(resp.status, 405) << method << " " << concrete << ": " << resp.describe();
    if (concrete == path) {
      EXPECT_NE(resp.status, 404) << method << " " << concrete << ": " << resp.describe();
    }
    EXPECT_LT(resp.status, 500) << method << " " << concrete << ": " << resp.describe();
  }
}

}  // namespace
}  // namespace boutique::it
