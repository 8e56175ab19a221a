#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "core/context.hpp"

namespace boutique::commands {

struct RenderOptions {
  std::string overlay;  // empty: k8s.overlay
};
CLI::App* setup_render(CLI::App& app, RenderOptions& opts);
// The final Kubernetes YAML (the overlay with this build's image tags) on stdout.
int run_render(const RenderOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
