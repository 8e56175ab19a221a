#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/context.hpp"

namespace boutique::commands {

struct UpOptions {
  std::vector<std::string> components;
  std::string timeout;  // a duration (core::parse_duration); empty: health_timeout
  bool yes = false;     // k8s: a context that is not a local cluster, without asking
};
CLI::App* setup_up(CLI::App& app, UpOptions& opts);
int run_up(const UpOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
