// `boutique urls`: where the Kubernetes Services answer from this machine — their NodePorts when
// they answer here, else loopback ports forwarded by kubectl port-forward, kept open until Ctrl-C
// (as `minikube service --url` does on a docker driver).
#include "commands/urls.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/interrupt.hpp"
#include "targets/target.hpp"

using namespace std::chrono_literals;

namespace boutique::commands {

CLI::App* setup_urls(CLI::App& app, UrlsOptions& /*opts*/) {
  auto* sub = app.add_subcommand(
      "urls", "Print the URLs of the Kubernetes Services: NodePorts, else forwarded until Ctrl-C");
  sub->footer("Examples:\n  boutique urls\n  boutique urls -o json");
  return sub;
}

int run_urls(const UrlsOptions& /*opts*/, core::Context& ctx) {
  auto target = targets::make_deploy_target(ctx);
  const auto access = target->deployer()->reach();
  nlohmann::json j = nlohmann::json::object();
  std::string out;
  for (const auto& [label, url] : access->urls) {
    j[label] = url;
    out += fmt::format("{:<18} {}\n", label, url);
  }
  ctx.print(ctx.format == core::Format::json ? j.dump(2) + "\n" : out);
  if (access->urls.empty()) return static_cast<int>(core::ExitCode::unhealthy);
  if (!access->forwarded) return 0;
  // The URLs live as long as the forwards: stay until Ctrl-C (or SIGTERM), or until one ends.
  ctx.progress->info(
      "the NodePorts do not answer from here: forwarded by kubectl port-forward, until Ctrl-C");
  core::catch_interrupts();
  while (!core::interrupted())
    if (const auto why = access->watch(500ms); !why.empty())
      throw core::CommandFailed(why, "is the cluster up? boutique status --target k8s");
  return 0;
}

}  // namespace boutique::commands
