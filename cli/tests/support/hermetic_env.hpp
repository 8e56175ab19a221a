#pragma once
// Tests that run the `boutique` binary must not inherit the developer's BOUTIQUE_* settings
// (an exported BOUTIQUE_API_PORT would silently change what they test).
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace boutique::fake {

inline void clear_boutique_env() {
  std::vector<std::string> names;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.substr(0, 9) == "BOUTIQUE_") names.emplace_back(kv.substr(0, kv.find('=')));
  }
  for (const auto& n : names) ::unsetenv(n.c_str());
}

}  // namespace boutique::fake
