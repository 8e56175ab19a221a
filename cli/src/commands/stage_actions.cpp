#include "commands/stage_actions.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "commands/build.hpp"
#include "commands/deploy.hpp"
#include "commands/print_checks.hpp"
#include "commands/up.hpp"
#include "commands/version.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"

namespace boutique::commands {
namespace {

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

}  // namespace

std::string check_infrastructure(core::Context& ctx, targets::Target& target) {
  auto checks = target.prerequisites();
  print_checks(ctx, checks, target.name());
  if (!core::all_ok(checks))
    throw core::MissingPrerequisite(failed_checks(checks), first_hint(checks));
  return fmt::format("{} checks ok", checks.size());
}

std::string validate(core::Context& ctx, targets::Target& target, const std::string& report) {
  auto checks = target.status();
  print_checks(ctx, checks, target.name());
  if (!report.empty()) write_status_report(report, checks, target.name());
  if (!core::all_ok(checks)) throw core::UnhealthyError(failed_checks(checks), first_hint(checks));
  return fmt::format("{} checks ok", checks.size());
}

void write_status_report(const std::string& file, const std::vector<core::Check>& checks,
                         const std::string& target) {
  const std::filesystem::path path = file;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    throw core::ConfigError(
        fmt::format("--junit: cannot create {}: {}", path.parent_path().string(), ec.message()));
  core::write_text(path, core::render_junit(checks, "boutique.status." + target));
}

stages::Step stage_step(stages::StageId id, const std::string& status_report, core::Context& ctx,
                        targets::Target& target) {
  const auto plan = stages::plan_stage(id, targets::stage_traits(target), status_report);
  stages::Step step;
  step.stage = &stages::stage(id);
  step.command = plan.argv.empty() ? "" : stages::command_line(plan.argv);
  step.skip_reason = plan.skip_reason;
  switch (id) {
    case stages::StageId::checkout:
      step.run = [&ctx] {
        ctx.print(version_line() + "\n");
        return version_line();
      };
      break;
    case stages::StageId::build_images:
      step.run = [&ctx] {
        run_build(BuildOptions{}, ctx);
        return std::string("images of this commit ready");
      };
      break;
    case stages::StageId::infrastructure_check:
      step.run = [&ctx, &target] { return check_infrastructure(ctx, target); };
      break;
    case stages::StageId::deploy:
      step.run = [&ctx, &target] {
        if (target.deployer()) {
          run_deploy(DeployOptions{}, ctx);
          return std::string("rollouts complete");
        }
        run_up(UpOptions{}, ctx);
        return std::string("stack up and healthy");
      };
      break;
    case stages::StageId::validation:
      step.run = [&ctx, &target, status_report] { return validate(ctx, target, status_report); };
      break;
  }
  return step;
}

}  // namespace boutique::commands
