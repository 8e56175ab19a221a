#include "stages/runner.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/interrupt.hpp"

namespace boutique::stages {

using Outcome = StageResult::Outcome;
using Clock = std::chrono::steady_clock;

std::vector<StageResult> run_steps(core::Context& ctx, const std::vector<Step>& steps) {
  std::vector<StageResult> results(steps.size());
  const StageResult* failed = nullptr;
  bool ran_one = false;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    auto& r = results[i];
    r.stage = step.stage;
    r.command = step.command;
    const std::string counter = fmt::format("[{}/{}] {}", i + 1, steps.size(), step.stage->name);
    if (!step.skip_reason.empty()) {
      r.outcome = Outcome::skipped;
      r.detail = step.skip_reason;
      if (step.announce_skip && !failed)
        ctx.progress->info(fmt::format("{}: skipped ({})", counter, r.detail));
      continue;
    }
    if (failed) {
      r.outcome = Outcome::not_run;
      r.detail = failed->exit_code == static_cast<int>(core::ExitCode::aborted)
                     ? "not run: the pipeline was interrupted"
                     : fmt::format("not run: '{}' failed", failed->stage->name);
      continue;
    }
    if (ran_one) ctx.print("\n");  // the stages' outputs, apart
    ran_one = true;
    ctx.progress->info(fmt::format("{}: {}", counter, r.command));
    const auto t0 = Clock::now();
    try {
      r.detail = r.command + ": " + step.run();
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
  return results;
}

const StageResult* first_failure(const std::vector<StageResult>& results) {
  for (const auto& r : results)
    if (r.outcome == Outcome::failed) return &r;
  return nullptr;
}

}  // namespace boutique::stages
