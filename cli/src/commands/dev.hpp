#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "core/context.hpp"
#include "dev/changes.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

struct DevOptions {
  std::string timeout;
  bool no_ui = false;
};
CLI::App* setup_dev(CLI::App& app, DevOptions& opts);
// Runs until Ctrl-C or SIGTERM (exit 0); a stack that cannot start exits as `up` does.
int run_dev(const DevOptions& opts, core::Context& ctx);

// The loop of the targets that run images, once the stack is up: watches the project's api/ and
// frontend/src; each change rebuilds both images under this build's tag and redeploys them (a
// cluster target: `build` [--push to a registry] and `deploy`; compose: `up`), then the status
// checks. A failure is printed and the loop goes on. Returns once `stop()` is true (Ctrl-C).
void redeploy_on_save(targets::Target& target, const dev::Options& opts, const std::string& timeout,
                      core::Context& ctx, const std::function<bool()>& stop);

}  // namespace boutique::commands
