#pragma once
// The route table: the single list the server registers and the OpenAPI check reads.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/api.hpp"
#include "http/method.hpp"

namespace boutique::http {

// Where a route's handler runs.
enum class Work {
  kNetwork,   // on the network thread: it never blocks (memory only)
  kDatabase,  // on the database workers (http/work_queue.hpp)
  kHashing,   // on the hashing workers: argon2id, 64 MiB and tens of ms each, capped apart
};

struct RouteDef {
  Method method;
  std::string_view path;  // /api/produits/:id: a segment ":name" is a parameter (http/router.hpp)
  Response (Api::*handler)(const Request&);
  Work work = Work::kDatabase;
  // Tried first on the network thread: an answer from memory (a cache hit), or nothing and the
  // handler runs where `work` says.
  std::optional<Response> (Api::*from_memory)(const Request&) = nullptr;
};

const std::vector<RouteDef>& routes();
// "/api/produits/:id" → "/api/produits/{id}"
std::string openapi_path(std::string_view path);

}  // namespace boutique::http
