#include "commands/up.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/choices.hpp"
#include "commands/stage_actions.hpp"
#include "core/errors.hpp"
#include "core/output.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_up(CLI::App& app, UpOptions& opts) {
  auto* sub = app.add_subcommand(
      "up", "Start the stack (PostgreSQL, API, web UI) and wait until it is healthy");
  sub->add_option("components", opts.components, "Only these parts: db, api, web (api implies db)")
      ->check(choices::one_of(choices::kComponents));
  sub->add_option("--timeout", opts.timeout,
                  "How long to wait for each part to be healthy: 90, 90s, 5m, 1h "
                  "(default: health_timeout)");
  sub->add_flag("-y,--yes", opts.yes,
                "--target k8s: deploy to a context that is not a local cluster without asking");
  sub->footer(
      "Idempotent: parts already running are left alone, dead ones are restarted. If a port is\n"
      "taken, or a part does not become healthy in time, what this run started is stopped "
      "again.\n\n"
      "--target compose: builds the missing images of this commit, then `compose up -d\n"
      "--no-build` (docker, or podman through its API socket) and waits over HTTP.\n"
      "--target k8s: the pipeline's Infrastructure Check (doctor), Build Images (build), Deploy\n"
      "(see `boutique deploy --help`; --timeout is its deadline) and Validation (status).\n\n"
      "Examples:\n  boutique up\n  boutique up db web --timeout 120\n  boutique up --target "
      "compose\n"
      "  BOUTIQUE_WEB_PORT=8080 boutique up");
  return sub;
}

namespace {

nlohmann::json up_json(const std::string& target, const targets::UpSummary& sum) {
  nlohmann::json urls = nlohmann::json::object();
  for (const auto& [label, url] : sum.urls) urls[label] = url;
  return {{"target", target},
          {"started", sum.started},
          {"already_running", sum.already},
          {"urls", urls},
          {"admin", sum.demo_accounts ? nlohmann::json{{"email", sum.admin_email},
                                                       {"password", sum.admin_password}}
                                      : nlohmann::json()}};
}

// A target that deploys to a cluster: the pipeline's stages less Checkout, through the same runner,
// the prerequisites first so that a missing tool fails before a long build; Deploy takes --timeout.
// Under -o json the stages print to stderr (their own JSON would not be up's) and stdout gets up's
// one object, with the stages in it.
int up_on_cluster(targets::Target& target, const targets::UpOptions& o, const std::string& timeout,
                  core::Context& ctx) {
  using stages::StageId;
  const bool json = ctx.format == core::Format::json;
  std::FILE* const out = ctx.out;
  if (json) {
    ctx.out = stderr;
    ctx.format = core::Format::table;
  }
  std::vector<stages::Step> steps;
  for (auto id :
       {StageId::infrastructure_check, StageId::build_images, StageId::deploy, StageId::validation})
    steps.push_back(stage_step(id, "", ctx, target));
  auto& deploy = steps[2];
  if (!timeout.empty()) deploy.command += " --timeout " + timeout;
  targets::UpSummary sum;
  deploy.run = [&target, &o, &sum] {
    sum = target.up(o);
    return std::string("rollouts complete");
  };
  const auto results = stages::run_steps(ctx, steps);
  ctx.out = out;
  if (json) ctx.format = core::Format::json;
  if (const auto* failed = stages::first_failure(results))
    throw core::Error(static_cast<core::ExitCode>(failed->exit_code),
                      fmt::format("{}: {}", failed->stage->name, failed->detail), failed->hint);
  if (json) {
    auto j = up_json(target.name(), sum);
    auto arr = nlohmann::json::array();
    for (const auto& r : results)
      arr.push_back({{"name", r.stage->name},
                     {"result", stages::outcome_name(r.outcome)},
                     {"seconds", r.seconds},
                     {"detail", r.detail}});
    j["stages"] = arr;
    ctx.print(j.dump(2) + "\n");
  }
  return 0;
}

}  // namespace

int run_up(const UpOptions& opts, core::Context& ctx) {
  if (opts.yes) ctx.assume_yes = true;
  auto target = targets::make_target(ctx);
  targets::UpOptions o{opts.components, std::nullopt};
  if (!opts.timeout.empty())
    o.timeout_s = static_cast<int>(core::require_duration(opts.timeout, "--timeout"));
  if (target->deployer()) return up_on_cluster(*target, o, opts.timeout, ctx);
  auto sum = target->up(o);
  if (ctx.format == core::Format::json) {
    ctx.print(up_json(target->name(), sum).dump(2) + "\n");
    return 0;
  }
  std::string out;
  if (sum.started.empty())
    out += "Everything was already up: nothing changed.\n";
  else
    out += fmt::format("Started: {}.\n", fmt::join(sum.started, ", "));
  if (!sum.already.empty())
    out += fmt::format("Already running: {}.\n", fmt::join(sum.already, ", "));
  out += "\n";
  std::size_t w = 0;
  for (const auto& u : sum.urls) w = std::max(w, u.first.size());
  for (const auto& [label, url] : sum.urls) out += fmt::format("  {:<{}}  {}\n", label, w, url);
  if (sum.demo_accounts)
    out += fmt::format("\nSign in as admin: {} / {}\n", sum.admin_email, sum.admin_password);
  else
    out += "\nNo demo accounts (seed_demo is false): create users through the API.\n";
  out += "Logs: boutique logs [api|db|web]   Checks: boutique status   Stop: boutique down\n";
  ctx.print(out);  // the result: printed with --quiet too (only progress is silenced)
  return 0;
}

}  // namespace boutique::commands
