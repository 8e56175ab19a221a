#pragma once
#include <CLI/CLI.hpp>

#include "core/context.hpp"

namespace boutique::commands {

struct ConfigOptions {
  bool show_secrets = false;
};
CLI::App* setup_config(CLI::App& app, ConfigOptions& opts);
// The effective configuration: each value and where it came from; secrets redacted.
int run_config(const ConfigOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
