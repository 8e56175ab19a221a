#pragma once
// Finds a request's route in the route table (http/routes.hpp). A path pattern is a list of
// segments; ":name" matches any one segment and names it. Empty segments are ignored on both sides
// ("//api/produits/" is "/api/produits"), as Pistache's router did. Pure, no allocation for a path
// without parameters.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/routes.hpp"

namespace boutique::http {

struct RouteMatch {
  // The route's index in the table; the table's size when no route has this method and path.
  std::size_t route;
  // The methods the path accepts, as an Allow list ("GET, POST, OPTIONS"); null when no route has
  // this path (404). Owned by the router.
  const std::string* allow;
  Params params;  // the path parameters, by name (without ':'), as sent (percent-encoded)
};

class Router {
 public:
  explicit Router(const std::vector<RouteDef>& table);

  RouteMatch match(Method method, std::string_view path) const;

 private:
  static constexpr std::size_t kMaxSegments = 8;  // no pattern is longer

  struct Pattern {
    std::vector<std::string> segments;  // ":name" for a parameter
    std::string allow;
    std::array<std::size_t, kMethods.size()> routes;  // by Method; unmatched_ when none
  };

  std::vector<Pattern> patterns_;  // fixed patterns first: "/a/b" wins over "/a/:x"
  std::size_t unmatched_;
};

}  // namespace boutique::http
