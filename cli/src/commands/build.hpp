#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/context.hpp"

namespace boutique::commands {

struct BuildOptions {
  std::vector<std::string> components;  // api, web; empty: both
  bool force = false;
  bool push = false;
};
CLI::App* setup_build(CLI::App& app, BuildOptions& opts);
// Builds (or finds) the images of this commit; exit 0, or the failure's code (docs/cli.md).
int run_build(const BuildOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
