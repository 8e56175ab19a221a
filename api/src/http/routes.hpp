#pragma once
// The route table: the single list the server registers and the OpenAPI check reads.
#include <string>
#include <string_view>
#include <vector>

#include "http/api.hpp"

namespace boutique::http {

enum class Method { kGet, kPost, kPut, kPatch, kDelete };

struct RouteDef {
  Method method;
  std::string_view path;  // Pistache syntax: /api/produits/:id
  Response (Api::*handler)(const Request&);
};

const std::vector<RouteDef>& routes();
std::string_view method_name(Method method);
// "/api/produits/:id" → "/api/produits/{id}"
std::string openapi_path(std::string_view path);

}  // namespace boutique::http
