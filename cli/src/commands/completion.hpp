#pragma once
// `boutique completion bash|zsh|fish`: a completion script generated from this program's own
// CLI11 tree (subcommands, options, value lists from commands/choices.hpp), so it cannot drift
// from the command line it completes. `--list overlays` prints the values only known at
// completion time, for the scripts to call.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "core/context.hpp"

namespace boutique::commands {

struct CompletionOptions {
  std::string shell;  // bash, zsh or fish (choices::kShells)
  std::string list;   // --list KIND (choices::kLists)
};
CLI::App* setup_completion(CLI::App& app, CompletionOptions& opts);
// Needs no configuration (a broken boutique.yaml only loses the overlays' root): prints the
// script for opts.shell, generated from `root`, or the values of opts.list. An unknown shell, or
// none, is a usage error (exit 2).
int run_completion(const CompletionOptions& opts, CLI::App& root, const core::GlobalOptions& g);

namespace completion {

// What a value of an option (or a positional) is, as far as completion goes.
struct ValueSpec {
  enum class Kind { none, words, file, dir, overlay };
  Kind kind = Kind::none;          // none: free text, nothing to offer
  std::vector<std::string> words;  // Kind::words
};
struct OptionSpec {
  std::vector<std::string> names;  // "-o", "--output"
  std::string description;
  bool takes_value = false;
  ValueSpec value;
};
struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;  // its own, --help included (the globals are apart)
  bool has_positional = false;
  ValueSpec positional;
};
struct CliSpec {
  std::string program;
  std::vector<OptionSpec> globals;    // accepted before or after any command (fallthrough)
  std::vector<OptionSpec> top_only;   // only before a command: --help, --version
  std::vector<CommandSpec> commands;  // in definition order
};

// The command line as the completion scripts see it, read from the CLI11 tree.
CliSpec describe(CLI::App& root);
std::string bash_script(const CliSpec& cli);
std::string zsh_script(const CliSpec& cli);
std::string fish_script(const CliSpec& cli);
// The overlays `--overlay NAME` accepts: the directories under ROOT/manifests/overlays, sorted.
std::vector<std::string> overlays(const std::filesystem::path& root);

}  // namespace completion

}  // namespace boutique::commands
