#include "commands/completion.hpp"

#include <algorithm>
#include <cstdio>
#include <system_error>

#include <fmt/format.h>

#include "commands/choices.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"

namespace fs = std::filesystem;

namespace boutique::commands {

CLI::App* setup_completion(CLI::App& app, CompletionOptions& opts) {
  auto* sub =
      app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
  sub->add_option("shell", opts.shell, "bash, zsh or fish")
      ->check(choices::suggests(choices::kShells));
  sub->add_option("--list", opts.list,
                  "Print the values of KIND, one a line, instead (what the scripts call): "
                  "overlays")
      ->type_name("KIND")
      ->check(choices::one_of(choices::kLists));
  sub->footer(
      "The script is generated from this program's own commands and options. It completes\n"
      "commands, options, the values of --target, --engine, -o and --overlay (the directories\n"
      "under manifests/overlays, read when you press Tab) and component names.\n\n"
      "Examples:\n  source <(boutique completion bash)          # this shell, now\n"
      "  boutique completion zsh > ~/.zfunc/_boutique   # zsh: a directory on $fpath\n"
      "  boutique completion fish > ~/.config/fish/completions/boutique.fish\n"
      "`make install` installs all three where bash-completion, zsh and fish look.");
  return sub;
}

namespace completion {

namespace {

using Kind = ValueSpec::Kind;

ValueSpec value_of(CLI::Option& o) {
  ValueSpec v;
  v.words = choices::values_of(o);
  if (!v.words.empty()) {
    v.kind = Kind::words;
    return v;
  }
  const std::string type = choices::type_of(o);
  if (type == choices::kFile)
    v.kind = Kind::file;
  else if (type == choices::kDir)
    v.kind = Kind::dir;
  else if (type == choices::kOverlay)
    v.kind = Kind::overlay;
  return v;
}

OptionSpec option_of(CLI::Option& o) {
  OptionSpec s;
  for (const auto& n : o.get_snames()) s.names.push_back("-" + n);
  for (const auto& n : o.get_lnames()) s.names.push_back("--" + n);
  s.description = o.get_description();
  s.takes_value = o.get_items_expected_max() > 0;
  if (s.takes_value) s.value = value_of(o);
  return s;
}

}  // namespace

CliSpec describe(CLI::App& root) {
  CliSpec cli;
  cli.program = "boutique";  // root.get_name() is argv[0] once parsed: a path, maybe
  const CLI::Option* help = root.get_help_ptr();
  const CLI::Option* version = root.get_version_ptr();
  for (CLI::Option* o : root.get_options()) {
    if (o == help || o == version)
      cli.top_only.push_back(option_of(*o));
    else
      cli.globals.push_back(option_of(*o));
  }
  for (CLI::App* sub : root.get_subcommands([](CLI::App*) { return true; })) {
    CommandSpec c;
    c.name = sub->get_name();
    c.description = sub->get_description();
    for (CLI::Option* o : sub->get_options()) {
      if (o->nonpositional()) {
        c.options.push_back(option_of(*o));
      } else {
        c.has_positional = true;
        c.positional = value_of(*o);
      }
    }
    cli.commands.push_back(std::move(c));
  }
  return cli;
}

std::vector<std::string> overlays(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root / "manifests" / "overlays", ec))
    if (e.is_directory(ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace completion

int run_completion(const CompletionOptions& opts, CLI::App& root, const core::GlobalOptions& g) {
  if (!opts.list.empty()) {
    // Called by the scripts at each Tab: never an error, at worst no values.
    fs::path where = fs::current_path();
    try {
      core::LoadInputs in;
      if (!g.config_file.empty()) in.file = g.config_file;
      where = core::Config::load(in).root();
    } catch (const std::exception&) {
    }
    for (const auto& o : completion::overlays(where)) std::printf("%s\n", o.c_str());
    return 0;
  }
  const std::string accepted =
      "accepted shells: " + fmt::format("{}", fmt::join(choices::kShells, ", "));
  if (opts.shell.empty())
    throw core::ConfigError("boutique completion needs a shell; " + accepted,
                            "boutique completion bash");
  const auto cli = completion::describe(root);
  std::string script;
  if (opts.shell == "bash")
    script = completion::bash_script(cli);
  else if (opts.shell == "zsh")
    script = completion::zsh_script(cli);
  else if (opts.shell == "fish")
    script = completion::fish_script(cli);
  else
    throw core::ConfigError(fmt::format("unknown shell '{}'; {}", opts.shell, accepted));
  std::fwrite(script.data(), 1, script.size(), stdout);
  return 0;
}

}  // namespace boutique::commands
