#pragma once
#include <CLI/CLI.hpp>

#include "core/context.hpp"

namespace boutique::commands {

struct UrlsOptions {};
CLI::App* setup_urls(CLI::App& app, UrlsOptions& opts);
int run_urls(const UrlsOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
