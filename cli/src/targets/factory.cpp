#include <algorithm>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "targets/compose/compose_target.hpp"
#include "targets/k8s/k8s_target.hpp"
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
  if (name == "k8s") return std::make_unique<k8s::K8sTarget>(ctx);
  throw core::ConfigError(fmt::format("unknown target '{}'", name));
}

stages::TargetTraits stage_traits(Target& target) {
  return {target.name(), target.runs_images(), target.deployer() != nullptr};
}

std::unique_ptr<Target> make_deploy_target(core::Context& ctx) {
  auto target = make_target(ctx);
  if (target->deployer()) return target;
  return std::make_unique<k8s::K8sTarget>(ctx);
}

}  // namespace boutique::targets
