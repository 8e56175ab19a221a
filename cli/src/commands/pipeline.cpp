#include "commands/pipeline.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/choices.hpp"
#include "commands/stage_actions.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/interrupt.hpp"
#include "stages/runner.hpp"
#include "stages/stages.hpp"
#include "targets/target.hpp"

namespace fs = std::filesystem;

namespace boutique::commands {

CLI::App* setup_pipeline(CLI::App& app, PipelineOptions& opts) {
  auto* sub = app.add_subcommand(
      "pipeline", "Run the Jenkinsfile's stages here, in order, with a stage view and JUnit");
  std::vector<std::string> slugs;
  for (const auto& s : stages::stages()) slugs.emplace_back(s.slug);
  auto* from = sub->add_option("--from", opts.from, "Start at this stage (skip the ones before)")
                   ->check(choices::suggests(slugs));
  sub->add_option("--only", opts.only, "Run this stage alone")
      ->check(choices::suggests(slugs))
      ->excludes(from);
  sub->add_option("--junit", opts.junit,
                  "The stages' JUnit report (default reports/pipeline.xml); the Validation "
                  "stage writes status.xml next to it")
      ->type_name(choices::kFile);
  sub->add_flag("--dry-run", opts.dry_run, "Print the stages and the command each runs; run none");
  sub->add_flag("-y,--yes", opts.yes,
                "--target k8s: deploy to a context that is not a local cluster without asking");
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

using Clock = std::chrono::steady_clock;

nlohmann::json plan_json(const stages::TargetTraits& target, const std::vector<bool>& selected,
                         const std::string& status_report) {
  auto arr = nlohmann::json::array();
  const auto& all = stages::stages();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto plan = stages::plan_stage(all[i].id, target, status_report);
    const bool skip = plan.argv.empty();
    arr.push_back(
        {{"name", all[i].name},
         {"slug", all[i].slug},
         {"command", skip ? nlohmann::json() : nlohmann::json(stages::command_line(plan.argv))},
         {"argv", skip ? nlohmann::json() : nlohmann::json(plan.argv)},
         {"skip", skip ? nlohmann::json(plan.skip_reason) : nlohmann::json()},
         {"selected", static_cast<bool>(selected[i])}});
  }
  return {{"target", target.name}, {"stages", arr}};
}

std::string not_selected(const PipelineOptions& opts) {
  return opts.only.empty() ? fmt::format("not selected (--from {})", opts.from)
                           : fmt::format("not selected (--only {})", opts.only);
}

int dry_run(const PipelineOptions& opts, core::Context& ctx, const std::vector<bool>& selected,
            const std::string& status_report) {
  const auto target = targets::stage_traits(*targets::make_target(ctx));
  if (ctx.format == core::Format::json) {
    ctx.print(plan_json(target, selected, status_report).dump(2) + "\n");
    return 0;
  }
  std::vector<std::vector<core::Cell>> rows;
  const auto& all = stages::stages();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto plan = stages::plan_stage(all[i].id, target, status_report);
    std::string runs = !selected[i]        ? not_selected(opts)
                       : plan.argv.empty() ? "SKIPPED: " + plan.skip_reason
                                           : stages::command_line(plan.argv);
    rows.push_back({{std::string(all[i].name)}, {runs}});
  }
  ctx.print(fmt::format("Pipeline for target {} (dry run: nothing was run)\n", target.name) +
            core::render_table({"STAGE", "RUNS"}, rows, ctx.color));
  return 0;
}

}  // namespace

int run_pipeline(const PipelineOptions& opts, core::Context& ctx) {
  const auto selected = stages::select_stages(opts.from, opts.only);  // exit 2 for a bad name
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
  if (opts.yes) ctx.assume_yes = true;

  const std::string target = ctx.config.str("target");
  const bool json = ctx.format == core::Format::json;
  // The stages print what their commands print: to stdout, or to stderr under -o json so that
  // stdout carries only the JSON result.
  std::FILE* const out = ctx.out;
  if (json) ctx.out = stderr;
  ctx.format = core::Format::table;

  auto t = targets::make_target(ctx);
  std::vector<stages::Step> steps;
  const auto& all = stages::stages();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto step = commands::stage_step(all[i].id, status_report, ctx, *t);
    if (!selected[i]) {
      step.skip_reason = not_selected(opts);
      step.announce_skip = false;
    }
    steps.push_back(std::move(step));
  }
  const auto started = Clock::now();
  const auto results = stages::run_steps(ctx, steps);
  const stages::StageResult* failed = stages::first_failure(results);
  const double total = std::chrono::duration<double>(Clock::now() - started).count();
  ctx.out = out;
  core::write_text(junit, stages::render_stage_junit(results, target));
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
                       stages::render_stage_view(results, ctx.color);
    view += failed ? fmt::format("Pipeline FAILED at '{}' (exit {}) after {}; JUnit: {}\n",
                                 failed->stage->name, code, stages::format_duration(total),
                                 junit.string())
                   : fmt::format("Pipeline passed in {}; JUnit: {}\n",
                                 stages::format_duration(total), junit.string());
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
