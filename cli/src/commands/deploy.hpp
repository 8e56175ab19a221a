#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "core/context.hpp"

namespace boutique::commands {

struct DeployOptions {
  std::string overlay;
  bool dry_run = false;
  bool diff = false;    // print what would change (kubectl diff), change nothing
  bool yes = false;     // a context that is not a local cluster: no question
  bool atomic = false;  // a failed rollout goes back to the revisions before
  std::string timeout = "5m";
};
CLI::App* setup_deploy(CLI::App& app, DeployOptions& opts);
int run_deploy(const DeployOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
