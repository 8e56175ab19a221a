#pragma once
// The one stage runner: `boutique pipeline` (all the Jenkinsfile's stages) and `boutique up` on a
// cluster target (Infrastructure Check, Build Images, Deploy, Validation) both run their stages
// through it, so progress, timing, failure and Ctrl-C behave the same in both.
#include <functional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "stages/stages.hpp"

namespace boutique::stages {

struct Step {
  const Stage* stage = nullptr;
  std::string command;        // "boutique build": in the progress line, the view and the report
  std::string skip_reason;    // non-empty: not run, and why
  bool announce_skip = true;  // false (not selected by --from/--only): no progress line
  // The stage's work, the same code as its command: returns the view's one-line summary, throws
  // core::Error (the command's exit code) when the stage fails.
  std::function<std::string()> run;
};

// Runs the steps in order, each announced ("[2/5] Build Images: boutique build") and timed. The
// first failure stops the run: a core::Error gives its exit code and hint, another exception is an
// internal error, and Ctrl-C noticed after a stage completed fails it as aborted; the later steps
// are "not run". The steps' outputs are separated by a blank line. One result per step.
std::vector<StageResult> run_steps(core::Context& ctx, const std::vector<Step>& steps);

// The failed result, or nullptr when every step passed or was skipped.
const StageResult* first_failure(const std::vector<StageResult>& results);

}  // namespace boutique::stages
