#pragma once
// The work of each pipeline stage, as stages::Step: the code of the command the stage names
// (stages::plan_stage), shared by `boutique pipeline`, `boutique up` on a cluster target and, for
// the checks, `boutique status`.
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"
#include "stages/runner.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

// The stage as planned for the configured target: its command, or why it is skipped, and its work.
// Deploy runs `deploy` on a target that deploys to a cluster, `up` elsewhere; Validation writes
// its JUnit report to the file the plan names.
stages::Step stage_step(stages::StageId id, const std::string& status_report, core::Context& ctx,
                        targets::Target& target);

// Infrastructure Check (`boutique doctor`): the target's prerequisites, printed;
// MissingPrerequisite naming the failed ones when one is missing.
std::string check_infrastructure(core::Context& ctx, targets::Target& target);

// Validation (`boutique status [--junit FILE]`): the target's checks, printed and, when `report`
// is set, written as JUnit; UnhealthyError naming the failed ones when one fails.
std::string validate(core::Context& ctx, targets::Target& target, const std::string& report);

// `status --junit FILE`: the checks as JUnit, creating FILE's directory (a fresh Jenkins workspace
// has no reports/ yet). ConfigError when it cannot be created.
void write_status_report(const std::string& file, const std::vector<core::Check>& checks,
                         const std::string& target);

}  // namespace boutique::commands
