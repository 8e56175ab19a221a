// Fuzz target: the JSON body of every write route (POST/PUT/PATCH /api/produits,
// POST /api/utilisateurs, POST /api/auth/login, POST /api/commandes), decoded as the server does
// (http::decode_json_body) and read by each route's domain parser. Invariants: api_checks.hpp.
#include <cstddef>
#include <cstdint>

#include "api_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boutique::fuzz::check_json_body("application/json", boutique::fuzz::text(data, size));
  return 0;
}
