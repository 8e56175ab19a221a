#include "support/assertions.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <stdexcept>

namespace boutique::it {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool content_type_is(const Response& r, std::string_view expected) {
  const auto ct = r.header("Content-Type");
  return ct && lower(*ct).rfind(expected, 0) == 0;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

void collect_keys(const nlohmann::json& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.items()) {
      out.push_back(lower(key));
      collect_keys(child, out);
    }
  } else if (v.is_array()) {
    for (const auto& child : v) collect_keys(child, out);
  }
}

}  // namespace

::testing::AssertionResult IsProblem(const Response& r, long status) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure()
           << why << "\n  expected a " << status << " problem+json, got: " << r.describe();
  };
  if (r.status != status) return fail("wrong status");
  if (!content_type_is(r, "application/problem+json")) return fail("wrong Content-Type");
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(r.body);
  } catch (const nlohmann::json::exception&) {
    return fail("body is not JSON");
  }
  if (!body.is_object()) return fail("body is not a JSON object");
  for (const char* field : {"type", "title", "detail"}) {
    if (!body.contains(field) || !body[field].is_string()) {
      return fail(std::string("missing string field '") + field + "'");
    }
  }
  if (!body.contains("status") || !body["status"].is_number_integer() ||
      body["status"].get<long>() != status) {
    return fail("field 'status' is not the integer " + std::to_string(status));
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsFieldProblem(const Response& r, long status,
                                          const std::vector<std::string>& fields) {
  auto problem = IsProblem(r, status);
  if (!problem) return problem;
  const auto body = nlohmann::json::parse(r.body);
  if (!body.contains("errors") || !body["errors"].is_object()) {
    return ::testing::AssertionFailure() << "no 'errors' object in " << r.describe();
  }
  for (const auto& field : fields) {
    if (!body["errors"].contains(field)) {
      return ::testing::AssertionFailure()
             << "'errors' does not name field '" << field << "': " << r.describe();
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsJson(const Response& r, long status) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "expected " << status << ", got: " << r.describe();
  }
  if (!content_type_is(r, "application/json")) {
    return ::testing::AssertionFailure()
           << "Content-Type is not application/json: " << r.describe();
  }
  if (!nlohmann::json::accept(r.body)) {
    return ::testing::AssertionFailure() << "body is not JSON: " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

long long cents(const nlohmann::json& amount) {
  if (amount.is_string()) {
    static const std::regex kDecimal(R"(^(\d+)(?:\.(\d{1,2}))?$)");
    const auto text = amount.get<std::string>();
    std::smatch m;
    if (!std::regex_match(text, m, kDecimal)) throw std::runtime_error("not an amount: " + text);
    std::string frac = m[2].str();
    frac.resize(2, '0');
    return std::stoll(m[1].str()) * 100 + std::stoll(frac);
  }
  if (!amount.is_number()) throw std::runtime_error("not an amount: " + amount.dump());
  const double scaled = amount.get<double>() * 100.0;
  const double rounded = std::round(scaled);
  if (std::abs(scaled - rounded) > 1e-6) {
    throw std::runtime_error("more than two decimals: " + amount.dump());
  }
  return static_cast<long long>(rounded);
}

std::map<std::string, std::string> parse_link_header(std::string_view header) {
  static const std::regex kLink(R"re(<([^>]*)>\s*;\s*rel="?([a-z]+)"?)re");
  std::map<std::string, std::string> links;
  const std::string text(header);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kLink);
       it != std::sregex_iterator(); ++it) {
    links[(*it)[2].str()] = (*it)[1].str();
  }
  return links;
}

std::map<std::string, std::string> query_params(std::string_view url) {
  std::map<std::string, std::string> params;
  const auto q = url.find('?');
  if (q == std::string_view::npos) return params;
  std::string_view rest = url.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    params[percent_decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return params;
}

std::string path_and_query(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
}

std::vector<std::string> all_keys(const nlohmann::json& value) {
  std::vector<std::string> keys;
  collect_keys(value, keys);
  return keys;
}

void expect_no_secret(const Response& r) {
  for (const auto& key : all_keys(r.json())) {
    EXPECT_EQ(key.find("hash"), std::string::npos) << key << " in " << r.body;
    EXPECT_EQ(key.find("password"), std::string::npos) << key << " in " << r.body;
    EXPECT_EQ(key.find("mot_de_passe"), std::string::npos) << key << " in " << r.body;
  }
  EXPECT_EQ(r.body.find("$argon2"), std::string::npos) << r.body;
}

std::vector<long long> ids_of(const nlohmann::json& array) {
  std::vector<long long> ids;
  for (const auto& item : array) ids.push_back(item.at("id").get<long long>());
  return ids;
}

}  // namespace boutique::it
