#pragma once
// `boutique dev` on the local target (docs/cli.md, "boutique dev"): the stack up, Vite's dev
// server serving the UI with hot reload on the web port (in place of nginx, put back at the end),
// and boutique-api rebuilt (incremental CMake build) and restarted when api/ changes.
#include "core/context.hpp"
#include "dev/changes.hpp"

namespace boutique::targets::local {

// Runs until Ctrl-C or SIGTERM, then stops what it started (the data stays): 0. Throws as `up`
// does when the stack cannot start.
int run_dev(core::Context& ctx, const dev::Options& opts);

}  // namespace boutique::targets::local
