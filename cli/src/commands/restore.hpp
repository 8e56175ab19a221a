#pragma once
// `boutique restore FILE [--yes]`: replaces the running stack's data with a `boutique backup`
// archive, in one transaction, after a confirmation; refuses an archive of a newer schema than the
// API's, migrates an older one, and tells the API to drop what it caches.
#include <CLI/CLI.hpp>
#include <string>

#include "core/context.hpp"

namespace boutique::commands {

struct RestoreOptions {
  std::string file;
  bool yes = false;
};
CLI::App* setup_restore(CLI::App& app, RestoreOptions& opts);
int run_restore(const RestoreOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
