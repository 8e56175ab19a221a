#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace boutique::commands {

struct VersionOptions {};
// "boutique 0.1.0 (commit abc123def456)"
std::string version_line();
CLI::App* setup_version(CLI::App& app, VersionOptions& opts);
// Needs no configuration: works anywhere, even with a broken boutique.yaml.
int run_version(const VersionOptions& opts, bool json);

}  // namespace boutique::commands
