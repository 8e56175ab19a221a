// Checks shared by the integration suites: RFC 9457 problems, money, paging links.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace boutique::it {

// `status`, Content-Type application/problem+json, and a JSON body with string type/title/detail
// and numeric status equal to `status`.
::testing::AssertionResult IsProblem(const Response& r, long status);
// IsProblem plus an `errors` object naming every field in `fields`.
::testing::AssertionResult IsFieldProblem(const Response& r, long status,
                                          const std::vector<std::string>& fields);
// 2xx with Content-Type application/json and a body that parses.
::testing::AssertionResult IsJson(const Response& r, long status);

// An exact amount in cents from a JSON number (1899.00) or string ("1899.00"); throws if the value
// has more than two decimals or is not a number.
long long cents(const nlohmann::json& amount);

// `<url>; rel="next", <url>; rel="last"` -> {"next": url, "last": url}.
std::map<std::string, std::string> parse_link_header(std::string_view header);
// "/api/produits?page=2&par_page=10" -> {"page": "2", "par_page": "10"} (values percent-decoded).
std::map<std::string, std::string> query_params(std::string_view url);
// The path part of a URL, absolute or not: "http://h:1/api/produits?x" -> "/api/produits?x".
std::string path_and_query(std::string_view url);

// Every object key anywhere in `value`, lower-cased (to look for leaked secrets).
std::vector<std::string> all_keys(const nlohmann::json& value);
// Fails the test when the response's JSON has a key that would reveal a password or its hash, or
// its body holds an argon2 hash.
void expect_no_secret(const Response& r);

// The ids of a JSON array of objects, in order.
std::vector<long long> ids_of(const nlohmann::json& array);

}  // namespace boutique::it
