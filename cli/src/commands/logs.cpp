#include "commands/logs.hpp"

#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_logs(CLI::App& app, LogsOptions& opts) {
  auto* sub = app.add_subcommand("logs", "Show the logs of the stack (all parts, or one)");
  sub->add_option("component", opts.component, "api, db or web (default: all)")
      ->check(CLI::IsMember({"api", "db", "web"}));
  sub->add_flag("-f,--follow", opts.follow, "Keep printing new lines until Ctrl-C");
  sub->add_option("-n,--tail", opts.tail, "Lines to show from the end of each log")
      ->check(CLI::Range(0, 1000000));
  sub->footer("Examples:\n  boutique logs\n  boutique logs api -f\n  boutique logs db --tail 200");
  return sub;
}

int run_logs(const LogsOptions& opts, core::Context& ctx) {
  auto target = targets::make_target(ctx);
  target->logs({opts.component, opts.follow, opts.tail});
  return 0;
}

}  // namespace boutique::commands
