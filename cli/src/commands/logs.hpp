#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "core/context.hpp"

namespace boutique::commands {

struct LogsOptions {
  std::string component;
  bool follow = false;
  int tail = 50;
  std::string since;      // k8s only
  bool previous = false;  // k8s only
};
CLI::App* setup_logs(CLI::App& app, LogsOptions& opts);
int run_logs(const LogsOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
