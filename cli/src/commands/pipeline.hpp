#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "core/context.hpp"

namespace boutique::commands {

struct PipelineOptions {
  std::string from;                            // run this stage and the ones after it
  std::string only;                            // run this stage alone
  std::string junit = "reports/pipeline.xml";  // the stages' report; status.xml goes next to it
  bool dry_run = false;                        // print the stages and their commands, run nothing
  bool yes = false;  // k8s: deploy to a context that is not a local cluster without asking
};
CLI::App* setup_pipeline(CLI::App& app, PipelineOptions& opts);
// The Jenkinsfile's stages, in-process, in order (stages/stages.hpp). Stops at the first failure;
// exit 0, or the failing stage's exit code (docs/cli.md).
int run_pipeline(const PipelineOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
