#pragma once
// The pipeline's stages, in one place: their names and order (the seed's Jenkins stages), the
// `boutique` command each runs for each target, and which are skipped where. `boutique pipeline`
// runs them, `--dry-run` prints them, and tests/jenkins checks that the Jenkinsfile says the same.
// Also: --from/--only selection, the stage view and the JUnit report (pure functions).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boutique::stages {

enum class StageId { checkout, build_images, infrastructure_check, deploy, validation };

struct Stage {
  StageId id;
  std::string_view name;  // as in the Jenkinsfile: "Build Images"
  std::string_view slug;  // "build-images"
};

// Checkout, Build Images, Infrastructure Check, Deploy to K8s, Validation.
const std::vector<Stage>& stages();
const Stage& stage(StageId id);

// What the stages need to know of a target (targets::Target says it; no name is compared here).
struct TargetTraits {
  std::string name;         // for messages only
  bool runs_images = true;  // false: it runs the native binaries `make` builds (local)
  bool deploys = false;     // it deploys to a cluster: the Deploy stage is `deploy`, not `up`
};

// What a stage does for a target: the `boutique` command (argv after "boutique"), or why it is
// skipped. `status_report` is the JUnit file of the Validation stage (empty: none).
struct StagePlan {
  std::vector<std::string> argv;  // empty when skipped
  std::string skip_reason;        // non-empty when skipped
};
StagePlan plan_stage(StageId id, const TargetTraits& target, const std::string& status_report);
// "boutique status --junit reports/status.xml"
std::string command_line(const std::vector<std::string>& argv);

// The stage a user names: its name or slug in any case, spaces, '-' or '_' alike, or a unique
// prefix ("deploy", "infra"). ConfigError (exit 2) listing the valid names otherwise.
const Stage& find_stage(std::string_view name);

// --from NAME: that stage and the ones after it; --only NAME: that stage; neither: all.
// selected[i] for stages()[i]. ConfigError for an unknown name or both options at once.
std::vector<bool> select_stages(const std::string& from, const std::string& only);

// One row of the stage view and one <testcase> of the report.
struct StageResult {
  enum class Outcome { passed, failed, skipped, not_run };
  const Stage* stage = nullptr;
  Outcome outcome = Outcome::not_run;
  std::string command;  // what ran (or would have run)
  std::string detail;   // passed: a summary; failed: the cause; skipped/not run: why
  std::string hint;     // failed: what to do next
  double seconds = 0;
  int exit_code = 0;
};
std::string_view outcome_name(StageResult::Outcome o);  // ok, FAILED, SKIPPED, not run

// STAGE RESULT DURATION DETAIL, like Jenkins' Stage View in text.
std::string render_stage_view(const std::vector<StageResult>& results, bool color);
// One <testsuite name="boutique.pipeline.<target>">, one <testcase> per stage: failed ->
// <failure message=cause>cause + hint</failure>, skipped and not run -> <skipped message=why/>.
std::string render_stage_junit(const std::vector<StageResult>& results, const std::string& target);
// "1.2 s", "2 min 05 s".
std::string format_duration(double seconds);

}  // namespace boutique::stages
