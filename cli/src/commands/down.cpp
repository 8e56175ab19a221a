#include "commands/down.hpp"

#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_down(CLI::App& app, DownOptions& opts) {
  auto* sub = app.add_subcommand("down", "Stop the stack (data kept unless --volumes)");
  sub->add_flag("--volumes", opts.volumes,
                "Also delete the data: database, logs, secrets (asks first)");
  sub->add_flag("-y,--yes", opts.yes, "Do not ask before deleting data (non-interactive use)");
  sub->footer(
      "Local: each part gets SIGTERM (PostgreSQL: SIGINT, fast shutdown), then SIGKILL after\n"
      "stop_timeout seconds. Compose: `compose down`, then the podman API service that\n"
      "boutique started is stopped; --volumes also deletes the project's volumes. k8s: deletes\n"
      "the rendered objects except the PVC and the Namespace (--volumes: everything).\n\n"
      "Examples:\n  boutique down\n  boutique down --volumes --yes\n  boutique down --target "
      "compose");
  return sub;
}

int run_down(const DownOptions& opts, core::Context& ctx) {
  auto target = targets::make_target(ctx);
  target->down({opts.volumes, opts.yes});
  return 0;
}

}  // namespace boutique::commands
