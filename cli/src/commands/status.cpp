#include "commands/status.hpp"

#include <fmt/format.h>

#include "commands/choices.hpp"
#include "commands/print_checks.hpp"
#include "commands/stage_actions.hpp"
#include "core/errors.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_status(CLI::App& app, StatusOptions& opts) {
  auto* sub =
      app.add_subcommand("status", "Check every part of the stack; exit 0 only if all pass");
  sub->add_option("--junit", opts.junit, "Also write the checks as JUnit XML to FILE (Jenkins)")
      ->type_name(choices::kFile);
  sub->footer(
      "Checks: each process alive, each port listening, API /healthz and /readyz, PostgreSQL\n"
      "accepting connections, migration version, web serving index.html and proxying /api/info.\n"
      "Compose: each container running and its HEALTHCHECK, then the same HTTP checks.\n"
      "k8s: Deployments ready/desired and restarts, PVC Bound, Service endpoints, NodePort\n"
      "URLs, then the API's /readyz and the UI through them.\n\n"
      "Examples:\n  boutique status\n  boutique status -o json\n  boutique status --junit "
      "reports/status.xml");
  return sub;
}

int run_status(const StatusOptions& opts, core::Context& ctx) {
  auto target = targets::make_target(ctx);
  auto checks = target->status();
  print_checks(ctx, checks, target->name());
  if (!opts.junit.empty()) write_status_report(opts.junit, checks, target->name());
  return core::all_ok(checks) ? 0 : static_cast<int>(core::ExitCode::unhealthy);
}

}  // namespace boutique::commands
