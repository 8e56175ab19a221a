// Every routed path and method is documented in api/openapi.json, and nothing else is.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "db/embedded.hpp"
#include "http/routes.hpp"

using namespace boutique;

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

TEST(OpenApi, IsOpenApi31) {
  const auto doc = nlohmann::json::parse(db::embedded::openapi_json());
  EXPECT_TRUE(doc.at("openapi").get<std::string>().starts_with("3.1"));
}

TEST(OpenApi, DocumentsEveryRoute) {
  const auto doc = nlohmann::json::parse(db::embedded::openapi_json());
  for (const auto& r : http::routes()) {
    const auto path = http::openapi_path(r.path);
    ASSERT_TRUE(doc["paths"].contains(path)) << path << " is routed but not documented";
    EXPECT_TRUE(doc["paths"][path].contains(lower(http::method_name(r.method))))
        << http::method_name(r.method) << " " << path << " is routed but not documented";
  }
}

TEST(OpenApi, DocumentsNothingThatIsNotRouted) {
  const auto doc = nlohmann::json::parse(db::embedded::openapi_json());
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      const bool routed =
          std::any_of(http::routes().begin(), http::routes().end(), [&](const auto& r) {
            return http::openapi_path(r.path) == path &&
                   lower(http::method_name(r.method)) == method;
          });
      EXPECT_TRUE(routed) << method << " " << path << " is documented but not routed";
    }
  }
}

TEST(OpenApi, PathParameters) {
  EXPECT_EQ(http::openapi_path("/api/produits/:id"), "/api/produits/{id}");
  EXPECT_EQ(http::openapi_path("/a/:x/b/:y"), "/a/{x}/b/{y}");
}

// Standard validators apply multipleOf in binary floating point: 19.90 fails "multipleOf: 0.01".
// A fractional multipleOf anywhere in the document would refuse valid prices.
TEST(OpenApi, NoFractionalMultipleOf) {
  const auto doc = nlohmann::json::parse(db::embedded::openapi_json());
  std::vector<std::string> found;
  const std::function<void(const nlohmann::json&, const std::string&)> walk =
      [&](const nlohmann::json& node, const std::string& where) {
        if (node.is_object()) {
          for (const auto& [key, value] : node.items()) {
            if (key == "multipleOf" && value.is_number() && !value.is_number_integer())
              found.push_back(where);
            walk(value, where + "/" + key);
          }
        } else if (node.is_array()) {
          for (std::size_t i = 0; i < node.size(); ++i)
            walk(node[i], where + "/" + std::to_string(i));
        }
      };
  walk(doc, "");
  EXPECT_TRUE(found.empty()) << "fractional multipleOf at " << found.front();
}
