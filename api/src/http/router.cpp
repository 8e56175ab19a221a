#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace boutique::http {
namespace {

// Splits `path` on '/', skipping empty segments; false when it has more than `out` holds.
template <std::size_t N>
bool split(std::string_view path, std::array<std::string_view, N>& out, std::size_t& count) {
  count = 0;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (segment.empty()) continue;
    if (count == N) return false;
    out[count++] = segment;
  }
  return true;
}

bool is_param(std::string_view segment) {
  return segment.size() > 1 && segment.front() == ':';
}

}  // namespace

Router::Router(const std::vector<RouteDef>& table) : unmatched_(table.size()) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::array<std::string_view, kMaxSegments> segments{};
    std::size_t count = 0;
    if (!split(table[i].path, segments, count)) {
      throw std::logic_error("route pattern too long: " + std::string(table[i].path));
    }
    std::vector<std::string> pattern(segments.begin(), segments.begin() + count);
    // "/a/:x" and "/a/:y" are one pattern: the same paths match both.
    const auto same_paths = [&](const Pattern& p) {
      return std::equal(p.segments.begin(), p.segments.end(), pattern.begin(), pattern.end(),
                        [](const std::string& a, const std::string& b) {
                          return (is_param(a) && is_param(b)) || a == b;
                        });
    };
    auto found = std::find_if(patterns_.begin(), patterns_.end(), same_paths);
    if (found == patterns_.end()) {
      Pattern p{std::move(pattern), {}, {}};
      p.routes.fill(unmatched_);
      patterns_.push_back(std::move(p));
      found = patterns_.end() - 1;
    }
    auto& slot = found->routes[static_cast<std::size_t>(table[i].method)];
    if (slot != unmatched_) {
      throw std::logic_error("route defined twice: " + std::string(table[i].path));
    }
    slot = i;
  }
  for (auto& p : patterns_) {
    for (const Method m : kMethods) {  // OPTIONS is the server's own, for every path (below)
      if (m == Method::kOptions || p.routes[static_cast<std::size_t>(m)] == unmatched_) continue;
      if (!p.allow.empty()) p.allow += ", ";
      p.allow += method_name(m);
    }
    p.allow += ", OPTIONS";
  }
  std::stable_partition(patterns_.begin(), patterns_.end(), [](const Pattern& p) {
    return std::none_of(p.segments.begin(), p.segments.end(),
                        [](const std::string& s) { return is_param(s); });
  });
}

RouteMatch Router::match(Method method, std::string_view path) const {
  std::array<std::string_view, kMaxSegments> segments{};
  std::size_t count = 0;
  if (!split(path, segments, count)) return {unmatched_, nullptr, {}};
  for (const auto& p : patterns_) {
    if (p.segments.size() != count) continue;
    bool same = true;
    for (std::size_t i = 0; i < count && same; ++i)
      same = is_param(p.segments[i]) || p.segments[i] == segments[i];
    if (!same) continue;
    RouteMatch m{p.routes[static_cast<std::size_t>(method)], &p.allow, {}};
    if (m.route == unmatched_) return m;  // another method's path: 405 (or OPTIONS, HEAD)
    for (std::size_t i = 0; i < count; ++i) {
      if (is_param(p.segments[i])) m.params.emplace_back(p.segments[i].substr(1), segments[i]);
    }
    return m;
  }
  return {unmatched_, nullptr, {}};
}

}  // namespace boutique::http
