#pragma once
#include <CLI/CLI.hpp>

#include "core/context.hpp"

namespace boutique::commands {

struct DevOptions {
  std::string timeout;
  bool no_ui = false;
};
CLI::App* setup_dev(CLI::App& app, DevOptions& opts);
// Runs until Ctrl-C or SIGTERM (exit 0); a stack that cannot start exits as `up` does.
int run_dev(const DevOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
