#pragma once
#include <CLI/CLI.hpp>

#include "core/context.hpp"

namespace boutique::commands {

struct DownOptions {
  bool volumes = false;
  bool yes = false;
};
CLI::App* setup_down(CLI::App& app, DownOptions& opts);
int run_down(const DownOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
