// `boutique urls`: the URLs of the Kubernetes Services (NodePorts), as `deploy` prints them.
#include "commands/urls.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_urls(CLI::App& app, UrlsOptions& /*opts*/) {
  auto* sub = app.add_subcommand("urls", "Print the URLs of the Kubernetes Services (NodePorts)");
  sub->footer("Examples:\n  boutique urls\n  boutique urls -o json");
  return sub;
}

int run_urls(const UrlsOptions& /*opts*/, core::Context& ctx) {
  auto urls = targets::make_deploy_target(ctx)->deployer()->urls();
  nlohmann::json j = nlohmann::json::object();
  std::string out;
  for (const auto& [label, url] : urls) {
    j[label] = url;
    out += fmt::format("{:<18} {}\n", label, url);
  }
  ctx.print(ctx.format == core::Format::json ? j.dump(2) + "\n" : out);
  return urls.empty() ? static_cast<int>(core::ExitCode::unhealthy) : 0;
}

}  // namespace boutique::commands
