#include "commands/logs.hpp"

#include <cctype>

#include <fmt/format.h>

#include "commands/choices.hpp"
#include "core/errors.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_logs(CLI::App& app, LogsOptions& opts) {
  auto* sub = app.add_subcommand("logs", "Show the logs of the stack (all parts, or one)");
  sub->add_option("component", opts.component, "api, db or web (default: all)")
      ->check(choices::one_of(choices::kComponents));
  sub->add_flag("-f,--follow", opts.follow, "Keep printing new lines until Ctrl-C");
  sub->add_option("-n,--tail", opts.tail, "Lines to show from the end of each log")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--since", opts.since,
                  "k8s: only lines newer than this (90s, 5m, 2h: kubectl's --since)");
  sub->add_flag("--previous", opts.previous,
                "k8s: the logs of each container's previous run (after a crash)");
  sub->footer(
      "Examples:\n  boutique logs\n  boutique logs api -f\n  boutique logs db --tail 200\n"
      "  boutique logs --target k8s -f --since 10m\n  boutique logs api --target k8s --previous");
  return sub;
}

int run_logs(const LogsOptions& opts, core::Context& ctx) {
  auto target = targets::make_target(ctx);
  if ((!opts.since.empty() || opts.previous) && target->name() != "k8s")
    throw core::ConfigError(
        fmt::format("--since and --previous need --target k8s (this is {})", target->name()),
        "without them: boutique logs [api|db|web] [-f] [--tail N]");
  if (opts.previous && opts.follow)
    throw core::ConfigError("--previous shows a finished run: it cannot be followed (-f)",
                            "boutique logs --target k8s --previous, without -f");
  if (!opts.since.empty()) {
    // kubectl's own syntax (Go durations: 90s, 5m, 2h, 1h30m); the check here makes the error
    // ours, before kubectl runs.
    const auto& s = opts.since;
    const bool ok = s.size() <= 16 && std::isdigit(static_cast<unsigned char>(s.front())) &&
                    std::string("smh").find(s.back()) != std::string::npos &&
                    s.find_first_not_of("0123456789smh") == std::string::npos;
    if (!ok)
      throw core::ConfigError(
          fmt::format("--since must be a duration like 90s, 5m or 2h, got '{}'", s),
          "boutique logs --target k8s --since 10m");
  }
  target->logs({opts.component, opts.follow, opts.tail, opts.since, opts.previous});
  return 0;
}

}  // namespace boutique::commands
