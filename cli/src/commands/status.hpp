#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "core/context.hpp"

namespace boutique::commands {

struct StatusOptions {
  std::string junit;  // write JUnit XML here too
};
CLI::App* setup_status(CLI::App& app, StatusOptions& opts);
// Exit 0 only when every check passes, 1 otherwise.
int run_status(const StatusOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
