#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "core/context.hpp"

namespace boutique::commands {

struct DeployOptions {
  std::string overlay;
  bool dry_run = false;
  std::string timeout = "5m";
};
CLI::App* setup_deploy(CLI::App& app, DeployOptions& opts);
int run_deploy(const DeployOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
