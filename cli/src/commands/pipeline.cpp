#include "commands/pipeline.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/build.hpp"
#include "commands/common.hpp"
#include "commands/deploy.hpp"
#include "commands/up.hpp"
#include "commands/version.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/interrupt.hpp"
#include "core/stages.hpp"
#include "targets/target.hpp"

namespace fs = std::filesystem;

namespace boutique::commands {

CLI::App* setup_pipeline(CLI::App& app, PipelineOptions& opts) {
  auto* sub = app.add_subcommand(
      "pipeline", "Run the Jenkinsfile's stages here, in order, with a stage view and JUnit");
  auto* from = sub->add_option("--from", opts.from, "Start at this stage (skip the ones before)");
  sub->add_option("--only", opts.only, "Run this stage alone")->excludes(from);
  sub->add_option("--junit", opts.junit,
                  "The stages' JUnit report (default reports/pipeline.xml); the Validation "
                  "stage writes status.xml next to it");
  sub->add_flag("--dry-run", opts.dry_run, "Print the stages and the command each runs; run none");
  sub->footer(
      "Stages, as in the Jenkinsfile: Checkout (boutique version), Build Images (boutique build;\n"
      "skipped for the local target, which runs the native binaries), Infrastructure Check\n"
      "(boutique doctor), Deploy to K8s (k8s: boutique deploy; local, compose: boutique up),\n"
      "Validation (boutique status --junit reports/status.xml). Each runs in this process;\n"
      "the first failure stops the pipeline and its exit code is the pipeline's.\n"
      "Stage names: any case, '-' or '_' for spaces, or a unique prefix (deploy, infra).\n\n"
      "Examples:\n  boutique pipeline --target local\n  boutique pipeline --from deploy\n"
      "  boutique pipeline --only build-images --target compose\n"
      "  boutique pipeline --target k8s --dry-run");
  return sub;
}

namespace {

using Outcome = core::StageResult::Outcome;
using Clock = std::chrono::steady_clock;

// "2 of 14 checks failed: api/readyz (HTTP 503), web/proxy /api/info (connection refused)"
std::string failed_checks(const std::vector<core::Check>& checks) {
  std::vector<std::string> failed;
  for (const auto& c : checks)
    if (!c.ok && c.required)
      failed.push_back(fmt::format("{}/{} ({})", c.component, c.check, c.detail));
  return fmt::format("{} of {} checks failed: {}", failed.size(), checks.size(),
                     fmt::join(failed, ", "));
}

std::string first_hint(const std::vector<core::Check>& checks) {
  for (const auto& c : checks)
    if (!c.ok && c.required && !c.hint.empty()) return c.hint;
  return {};
}

// Runs one stage in-process: the same code as the stage's command. Returns the view's summary;
// throws core::Error (the command's exit code) when the stage fails.
std::string run_stage(core::StageId id, const core::StagePlan& plan, core::Context& ctx) {
  const std::string target = ctx.config.str("target");
  switch (id) {
    case core::StageId::checkout:
      ctx.print(version_line() + "\n");
      return version_line();
    case core::StageId::build_images:
      run_build(BuildOptions{}, ctx);
      return "images of this commit ready";
    case core::StageId::infrastructure_check: {
      auto checks = targets::make_target(ctx)->prerequisites();
      print_checks(ctx, checks, target);
      if (!core::all_ok(checks))
        throw core::MissingPrerequisite(failed_checks(checks), first_hint(checks));
      return fmt::format("{} checks ok", checks.size());
    }
    case core::StageId::deploy:
      if (target == "k8s")
        run_deploy(DeployOptions{}, ctx);
      else
        run_up(UpOptions{}, ctx);
      return target == "k8s" ? "rollouts complete" : "stack up and healthy";
    case core::StageId::validation: {
      const fs::path report = plan.argv.back();  // status --junit FILE
      auto t = targets::make_target(ctx);
      auto checks = t->status();
      print_checks(ctx, checks, t->name());
      core::write_text(report, core::render_junit(checks, "boutique.status." + t->name()));
      if (!core::all_ok(checks))
        throw core::UnhealthyError(failed_checks(checks), first_hint(checks));
      return fmt::format("{} checks ok", checks.size());
    }
  }
  throw std::logic_error("unknown stage");
}

nlohmann::json plan_json(const std::string& target, const std::vector<bool>& selected,
                         const std::string& status_report) {
  auto arr = nlohmann::json::array();
  const auto& all = core::stages();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto plan = core::plan_stage(all[i].id, target, status_report);
    const bool skip = plan.argv.empty();
    arr.push_back(
        {{"name", all[i].name},
         {"slug", all[i].slug},
         {"command", skip ? nlohmann::json() : nlohmann::json(core::command_line(plan.argv))},
         {"argv", skip ? nlohmann::json() : nlohmann::json(plan.argv)},
         {"skip", skip ? nlohmann::json(plan.skip_reason) : nlohmann::json()},
         {"selected", static_cast<bool>(selected[i])}});
  }
  return {{"target", target}, {"stages", arr}};
}

std::string not_selected(const PipelineOptions& opts) {
  return opts.only.empty() ? fmt::format("not selected (--from {})", opts.from)
                           : fmt::format("not selected (--only {})", opts.only);
}

int dry_run(const PipelineOptions& opts, core::Context& ctx, const std::vector<bool>& selected,
            const std::string& status_report) {
  const std::string target = ctx.config.str("target");
  if (ctx.format == core::Format::json) {
    ctx.print(plan_json(target, selected, status_report).dump(2) + "\n");
    return 0;
  }
  std::vector<std::vector<core::Cell>> rows;
  const auto& all = core::stages();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto plan = core::plan_stage(all[i].id, target, status_report);
    std::string runs = !selected[i]        ? not_selected(opts)
                       : plan.argv.empty() ? "SKIPPED: " + plan.skip_reason
                                           : core::command_line(plan.argv);
    rows.push_back({{std::string(all[i].name)}, {runs}});
  }
  ctx.print(fmt::format("Pipeline for target {} (dry run: nothing was run)\n", target) +
            core::render_table({"STAGE", "RUNS"}, rows, ctx.color));
  return 0;
}

}  // namespace

int run_pipeline(const PipelineOptions& opts, core::Context& ctx) {
  const auto selected = core::select_stages(opts.from, opts.only);  // exit 2 for a bad name
  const fs::path junit = opts.junit;
  if (junit.empty() || junit.filename() == "status.xml" || !junit.has_filename())
    throw core::ConfigError(
        fmt::format("--junit must name a file other than status.xml, got '{}'", opts.junit),
        "the Validation stage writes status.xml next to the pipeline's report");
  const std::string status_report = (junit.parent_path() / "status.xml").string();
  if (opts.dry_run) return dry_run(opts, ctx, selected, status_report);

  if (!junit.parent_path().empty()) {
    std::error_code ec;
    fs::create_directories(junit.parent_path(), ec);
    if (ec)
      throw core::ConfigError(fmt::format("cannot create the reports directory {}: {}",
                                          junit.parent_path().string(), ec.message()),
                              "choose another --junit path");
  }
  core::catch_interrupts();  // Ctrl-C: the running stage rolls back, the rest is not run (8)

  const std::string target = ctx.config.str("target");
  const bool json = ctx.format == core::Format::json;
  // The stages print what their commands print: to stdout, or to stderr under -o json so that
  // stdout carries only the JSON result.
  std::FILE* const out = ctx.out;
  if (json) ctx.out = stderr;
  ctx.format = core::Format::table;

  const auto& all = core::stages();
  std::vector<core::StageResult> results(all.size());
  const core::StageResult* failed = nullptr;
  bool ran_one = false;
  const auto started = Clock::now();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto& r = results[i];
    r.stage = &all[i];
    const auto plan = core::plan_stage(all[i].id, target, status_report);
    r.command = plan.argv.empty() ? "" : core::command_line(plan.argv);
    if (!selected[i]) {
      r.outcome = Outcome::skipped;
      r.detail = not_selected(opts);
    } else if (plan.argv.empty()) {
      r.outcome = Outcome::skipped;
      r.detail = plan.skip_reason;
      if (!failed)
        ctx.progress->info(
            fmt::format("[{}/{}] {}: skipped ({})", i + 1, all.size(), all[i].name, r.detail));
    } else if (failed) {
      r.outcome = Outcome::not_run;
      r.detail = failed->exit_code == static_cast<int>(core::ExitCode::aborted)
                     ? "not run: the pipeline was interrupted"
                     : fmt::format("not run: '{}' failed", failed->stage->name);
    } else {
      if (ran_one) ctx.print("\n");  // the stages' outputs, apart
      ran_one = true;
      ctx.progress->info(fmt::format("[{}/{}] {}: {}", i + 1, all.size(), all[i].name, r.command));
      const auto t0 = Clock::now();
      try {
        r.detail = r.command + ": " + run_stage(all[i].id, plan, ctx);
        r.outcome = Outcome::passed;
      } catch (const core::Error& e) {
        r.outcome = Outcome::failed;
        r.exit_code = static_cast<int>(e.code());
        r.detail = e.what();
        r.hint = e.hint();
      } catch (const std::exception& e) {
        r.outcome = Outcome::failed;
        r.exit_code = static_cast<int>(core::ExitCode::internal);
        r.detail = fmt::format("internal error (a bug, please report it): {}", e.what());
      }
      r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      if (r.outcome == Outcome::passed && core::interrupted()) {
        // The stage finished before it noticed: stop here all the same.
        r.outcome = Outcome::failed;
        r.exit_code = static_cast<int>(core::ExitCode::aborted);
        r.detail = "interrupted (the stage had completed)";
      }
      if (r.outcome == Outcome::failed) failed = &r;
    }
  }
  const double total = std::chrono::duration<double>(Clock::now() - started).count();
  ctx.out = out;
  core::write_text(junit, core::render_stage_junit(results, target));
  const int code = failed ? failed->exit_code : 0;

  if (json) {
    auto arr = nlohmann::json::array();
    for (const auto& r : results) {
      static const char* names[] = {"passed", "failed", "skipped", "not_run"};
      arr.push_back({{"name", r.stage->name},
                     {"slug", r.stage->slug},
                     {"command", r.command.empty() ? nlohmann::json() : nlohmann::json(r.command)},
                     {"result", names[static_cast<int>(r.outcome)]},
                     {"seconds", r.seconds},
                     {"detail", r.detail},
                     {"hint", r.hint},
                     {"exit_code", r.exit_code}});
    }
    ctx.print(nlohmann::json{
                  {"target", target},
                  {"ok", failed == nullptr},
                  {"exit_code", code},
                  {"failed_stage", failed ? nlohmann::json(failed->stage->name) : nlohmann::json()},
                  {"seconds", total},
                  {"junit", junit.string()},
                  {"stages", arr}}
                  .dump(2) +
              "\n");
  } else {
    std::string view = fmt::format("\nStage view (target {}):\n", target) +
                       core::render_stage_view(results, ctx.color);
    view += failed ? fmt::format("Pipeline FAILED at '{}' (exit {}) after {}; JUnit: {}\n",
                                 failed->stage->name, code, core::format_duration(total),
                                 junit.string())
                   : fmt::format("Pipeline passed in {}; JUnit: {}\n", core::format_duration(total),
                                 junit.string());
    ctx.print(view);
  }
  if (failed) {
    std::fprintf(stderr, "error: %s: %s\n", std::string(failed->stage->name).c_str(),
                 failed->detail.c_str());
    if (!failed->hint.empty()) std::fprintf(stderr, "  hint: %s\n", failed->hint.c_str());
  }
  return code;
}

}  // namespace boutique::commands
