#include "commands/dev.hpp"

#include <fmt/format.h>

#include "commands/build.hpp"
#include "commands/deploy.hpp"
#include "commands/stage_actions.hpp"
#include "commands/up.hpp"
#include "core/errors.hpp"
#include "core/interrupt.hpp"
#include "core/watcher.hpp"
#include "dev/changes.hpp"
#include "targets/target.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::commands {

CLI::App* setup_dev(CLI::App& app, DevOptions& opts) {
  auto* sub = app.add_subcommand(
      "dev", "Start the stack, then rebuild and restart what you change as you save (Ctrl-C ends)");
  sub->add_option("--timeout", opts.timeout,
                  "How long to wait for each part to be healthy: 90, 90s, 5m (default: "
                  "health_timeout)");
  sub->add_flag("--no-ui", opts.no_ui,
                "local: serve the built UI with nginx, as `up` does, instead of Vite's dev server");
  sub->footer(
      "Watches api/ and frontend/src (not build outputs, node_modules, editors' scratch files);\n"
      "a burst of saves is one change.\n\n"
      "--target local (default): `up`, then Vite's dev server on the web port in place of nginx\n"
      "(hot reload; /api proxied to the API). A save in api/ runs `cmake --build <build dir>\n"
      "--target boutique-api` and restarts only the API once the build succeeds (a failed build\n"
      "prints the compiler's first error and the running API keeps serving; an added migration is\n"
      "applied at the restart). Ctrl-C ends Vite, starts nginx again if dev stopped it, stops the\n"
      "parts dev started; the data stays.\n\n"
      "--target compose / k8s: `up`, then each change rebuilds the images (the one the save did\n"
      "not touch comes from the layer cache, unchanged) and redeploys: compose recreates the\n"
      "container whose image changed; k8s deploys each image's immutable reference, so one\n"
      "rollout for the changed one. Then the status checks. Ctrl-C leaves the stack running.\n\n"
      "Examples:\n  boutique dev\n  boutique dev --no-ui\n  boutique dev --target compose");
  return sub;
}

void redeploy_on_save(targets::Target& target, const dev::Options& opts, const std::string& timeout,
                      core::Context& ctx, const std::function<bool()>& stop) {
  const fs::path root = ctx.config.root();
  core::Watcher watcher(core::WatchOptions{dev::watched_roots(root)});
  ctx.print(fmt::format(
      "\nWatching api/ and frontend/src ({} directories): a save rebuilds the image it belongs to "
      "and redeploys it to {}. Ctrl-C ends dev; the stack keeps running.\n",
      watcher.watched_directories(), target.name()));
  while (!stop()) {
    const auto batch = watcher.wait(500ms);
    if (batch.empty() || stop()) continue;
    const auto plan = dev::plan_changes(batch, root);
    if (plan.empty()) continue;
    std::vector<std::string> changed;
    if (!plan.api.empty() || plan.overflow) changed.push_back("api");
    if (!plan.web.empty() || plan.overflow) changed.push_back("web");
    ctx.print(fmt::format("\n{} saved: rebuilding the {} image and redeploying\n",
                          plan.overflow ? std::string("many files")
                                        : dev::describe(plan.api.empty() ? plan.web : plan.api),
                          fmt::join(changed, " and ")));
    const auto t0 = Clock::now();
    try {
      // Both images, under this build's one tag (<commit>-dirty once the tree changed): the one
      // that did not change comes from the layer cache with the same image ID, so Compose keeps
      // its container and the cluster its pods.
      if (target.deployer()) {
        run_build(BuildOptions{{}, false, !ctx.config.str("images.registry").empty()}, ctx);
        DeployOptions deploy;
        if (!timeout.empty()) deploy.timeout = timeout;
        deploy.yes = ctx.assume_yes;
        run_deploy(deploy, ctx);
      } else {
        target.up(targets::UpOptions{{}, opts.timeout_s});
      }
      validate(ctx, target, "");
      ctx.print(fmt::format("{} redeployed and healthy {:.1f} s after the save\n",
                            fmt::join(changed, " and "),
                            std::chrono::duration<double>(Clock::now() - batch.first).count()));
    } catch (const core::Aborted&) {
      break;
    } catch (const core::Error& e) {
      // The stack keeps what it ran before (a failed build deploys nothing; a failed rollout is
      // what `status` shows): say it, and wait for the next save.
      ctx.progress->warn(fmt::format("{} not redeployed after {:.1f} s: {}{}",
                                     fmt::join(changed, " and "),
                                     std::chrono::duration<double>(Clock::now() - t0).count(),
                                     e.what(), e.hint().empty() ? "" : " (" + e.hint() + ")"));
    }
  }
  ctx.print("dev ended: the stack keeps running (`boutique down` stops it).\n");
}

int run_dev(const DevOptions& opts, core::Context& ctx) {
  if (ctx.format == core::Format::json)
    throw core::ConfigError("boutique dev prints as it goes: -o json is not supported",
                            "run it without -o json");
  dev::Options o;
  o.ui = !opts.no_ui;
  if (!opts.timeout.empty())
    o.timeout_s = static_cast<int>(core::require_duration(opts.timeout, "--timeout"));
  auto target = targets::make_target(ctx);
  if (!target->runs_images()) return target->dev(o);
  if (opts.no_ui)
    throw core::ConfigError("--no-ui is for the local target",
                            "drop --no-ui, or use --target local");
  run_up(UpOptions{{}, opts.timeout, ctx.assume_yes}, ctx);
  core::catch_interrupts();
  redeploy_on_save(*target, o, opts.timeout, ctx, core::interrupted);
  return 0;
}

}  // namespace boutique::commands
