#include <algorithm>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "targets/compose/compose_target.hpp"
#include "targets/local/local_target.hpp"
#include "targets/target.hpp"

namespace boutique::targets {

std::vector<std::string> resolve_components(const std::vector<std::string>& asked) {
  static const std::vector<std::string> all = {"db", "api", "web"};
  if (asked.empty()) return all;
  for (const auto& a : asked)
    if (std::find(all.begin(), all.end(), a) == all.end())
      throw core::ConfigError(fmt::format("unknown component '{}' (db, api, web)", a));
  auto has = [&](const std::string& c) {
    return std::find(asked.begin(), asked.end(), c) != asked.end();
  };
  std::vector<std::string> out;
  for (const auto& c : all)
    if (has(c) || (c == "db" && has("api"))) out.push_back(c);
  return out;
}

std::unique_ptr<Target> make_target(core::Context& ctx) {
  const std::string& name = ctx.config.str("target");
  if (name == "local") return std::make_unique<local::LocalTarget>(ctx);
  if (name == "compose") return std::make_unique<compose::ComposeTarget>(ctx);
  throw core::NotImplemented(
      fmt::format("target '{}' is not implemented yet in this version (selected by {})", name,
                  ctx.config.value("target").origin),
      "use --target local or --target compose (`boutique doctor --target " + name +
          "` already checks its tools)");
}

}  // namespace boutique::targets
