// boutique: the Boutique stack's command-line front door. CLI11 wiring and the one error boundary:
// every command's failure is a core::Error mapped to a documented exit code (docs/cli.md).
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/backup.hpp"
#include "commands/build.hpp"
#include "commands/choices.hpp"
#include "commands/completion.hpp"
#include "commands/config.hpp"
#include "commands/deploy.hpp"
#include "commands/dev.hpp"
#include "commands/doctor.hpp"
#include "commands/down.hpp"
#include "commands/logs.hpp"
#include "commands/pipeline.hpp"
#include "commands/render.hpp"
#include "commands/restore.hpp"
#include "commands/status.hpp"
#include "commands/up.hpp"
#include "commands/urls.hpp"
#include "commands/version.hpp"
#include "core/context.hpp"
#include "core/errors.hpp"

using namespace boutique;

namespace {

void add_globals(CLI::App& app, core::GlobalOptions& g) {
  app.add_option("--target", g.target,
                 "Where the stack runs (default: from boutique.yaml, else local)")
      ->check(commands::choices::one_of(commands::choices::kTargets));
  app.add_option("--config", g.config_file,
                 "Configuration file (default: ./boutique.yaml when present)")
      ->type_name(commands::choices::kFile);
  app.add_option("--engine", g.engine, "Container engine for build and compose (default: auto)")
      ->check(commands::choices::one_of(commands::choices::kEngines));
  app.add_option("--context", g.kube_context,
                 "k8s target: the kubeconfig context (above k8s.context; default minikube)");
  app.add_option("--namespace", g.kube_namespace,
                 "k8s target: the namespace (above k8s.namespace; default boutique)");
  app.add_option("--state-dir", g.state_dir, "State directory, every target's (default: .boutique)")
      ->type_name(commands::choices::kDir);
  app.add_option("-o,--output", g.output, "Output format: table or json")
      ->check(commands::choices::one_of(commands::choices::kOutputs));
  app.add_flag("--no-color", g.no_color,
               "No colours (also: NO_COLOR set, or output not a terminal)");
  app.add_flag("-v,--verbose", g.verbose, "Print every external command before running it");
  app.add_flag("-q,--quiet", g.quiet, "Only errors and results, no progress");
}

const char* exit_class(int code) {
  switch (code) {
    case 1:
      return "unhealthy";
    case 2:
      return "usage";
    case 3:
      return "missing_prerequisite";
    case 4:
      return "command_failed";
    case 5:
      return "timeout";
    case 6:
      return "conflict";
    case 7:
      return "not_implemented";
    case 8:
      return "aborted";
    default:
      return code >= 100 && code < 128 ? "usage" : "internal";
  }
}

// With -o json a failure is also one JSON object on stdout, so that a script never parses text:
// {"ok": false, "error": {"message", "hint", "exit_code", "class"}}.
void print_json_error(const std::string& message, const std::string& hint, int code) {
  const nlohmann::json j{{"ok", false},
                         {"error",
                          {{"message", message},
                           {"hint", hint.empty() ? nlohmann::json() : nlohmann::json(hint)},
                           {"exit_code", code},
                           {"class", exit_class(code)}}}};
  std::fprintf(stdout, "%s\n", j.dump(2).c_str());
}

// The human line (and hint) on stderr always; the JSON object too with -o json.
// CLI11 2.1 lists only a subcommand's own options in its --help: the global ones (which every
// command takes, before or after its name) are added to each subcommand's footer.
void add_global_options_to_help(CLI::App& app) {
  std::string text = "Global options (any command, before or after its name):\n";
  for (const CLI::Option* o : app.get_options()) {
    const std::string name = o->get_name(false, true);
    if (name.find("--help") != std::string::npos) continue;
    text += fmt::format("  {:<16} {}\n", name, o->get_description());
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    sub->footer(sub->get_footer() + "\n\n" + text);
}

int report(const std::string& message, const std::string& hint, int code, bool color, bool json) {
  std::fprintf(stderr, "%serror:%s %s\n", color ? "\033[31m" : "", color ? "\033[0m" : "",
               message.c_str());
  if (!hint.empty()) std::fprintf(stderr, "  hint: %s\n", hint.c_str());
  if (json) print_json_error(message, hint, code);
  return code;
}

// Whether the command line asks for JSON output, read from argv itself: a parse error can stop
// CLI11 before it reaches `-o json` (`boutique status --target nope -o json`), and the failure
// must still be JSON.
bool asks_for_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if ((a == "-o" || a == "--output") && i + 1 < argc && std::string_view(argv[i + 1]) == "json")
      return true;
    if (a == "-ojson" || a == "--output=json") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "boutique: build, run and check the Boutique shop stack (PostgreSQL + API + web UI)"};
  app.set_version_flag("--version", commands::version_line());
  app.require_subcommand(1);
  app.fallthrough();  // global options may come after the subcommand: `boutique status -o json`
  app.footer(
      "Exit codes: 0 ok, 1 unhealthy, 2 usage/config, 3 missing prerequisite, 4 external command\n"
      "failed, 5 timeout, 6 port/lock conflict, 7 not implemented, 8 aborted (docs/cli.md).\n\n"
      "Examples:\n  boutique doctor\n  boutique up\n  boutique status --junit status.xml\n"
      "  boutique down --volumes --yes\n  boutique build && boutique up --target compose\n"
      "  boutique up --target k8s\n  boutique pipeline --target local   (the Jenkinsfile's stages, "
      "here)");

  core::GlobalOptions g;
  add_globals(app, g);
  commands::BuildOptions build;
  commands::DoctorOptions doctor;
  commands::UpOptions up;
  commands::DownOptions down;
  commands::StatusOptions status;
  commands::LogsOptions logs;
  commands::ConfigOptions config;
  commands::VersionOptions version;
  commands::RenderOptions render;
  commands::DeployOptions deploy;
  commands::UrlsOptions urls;
  commands::PipelineOptions pipeline;
  commands::CompletionOptions completion;
  commands::BackupOptions backup;
  commands::RestoreOptions restore;
  commands::DevOptions dev;
  auto* build_cmd = commands::setup_build(app, build);
  auto* doctor_cmd = commands::setup_doctor(app, doctor);
  auto* up_cmd = commands::setup_up(app, up);
  auto* down_cmd = commands::setup_down(app, down);
  auto* status_cmd = commands::setup_status(app, status);
  auto* logs_cmd = commands::setup_logs(app, logs);
  auto* config_cmd = commands::setup_config(app, config);
  auto* version_cmd = commands::setup_version(app, version);
  auto* render_cmd = commands::setup_render(app, render);
  auto* deploy_cmd = commands::setup_deploy(app, deploy);
  auto* urls_cmd = commands::setup_urls(app, urls);
  auto* pipeline_cmd = commands::setup_pipeline(app, pipeline);
  auto* completion_cmd = commands::setup_completion(app, completion);
  auto* backup_cmd = commands::setup_backup(app, backup);
  auto* restore_cmd = commands::setup_restore(app, restore);
  auto* dev_cmd = commands::setup_dev(app, dev);
  add_global_options_to_help(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // usage text, --help and --version as CLI11 prints them
    if (code != 0 && (g.output == "json" || asks_for_json(argc, argv)))
      print_json_error(e.what(), "boutique --help", code);
    return code;
  }
  const bool json = g.output == "json";

  const bool err_color = core::use_color(g.no_color, stderr);
  try {
    if (version_cmd->parsed()) return commands::run_version(version, g.output == "json");
    if (completion_cmd->parsed()) return commands::run_completion(completion, app, g);
    core::Context ctx = core::make_context(g);
    if (build_cmd->parsed()) return commands::run_build(build, ctx);
    if (doctor_cmd->parsed()) return commands::run_doctor(doctor, ctx);
    if (up_cmd->parsed()) return commands::run_up(up, ctx);
    if (down_cmd->parsed()) return commands::run_down(down, ctx);
    if (status_cmd->parsed()) return commands::run_status(status, ctx);
    if (logs_cmd->parsed()) return commands::run_logs(logs, ctx);
    if (config_cmd->parsed()) return commands::run_config(config, ctx);
    if (render_cmd->parsed()) return commands::run_render(render, ctx);
    if (deploy_cmd->parsed()) return commands::run_deploy(deploy, ctx);
    if (urls_cmd->parsed()) return commands::run_urls(urls, ctx);
    if (pipeline_cmd->parsed()) return commands::run_pipeline(pipeline, ctx);
    if (backup_cmd->parsed()) return commands::run_backup(backup, ctx);
    if (restore_cmd->parsed()) return commands::run_restore(restore, ctx);
    if (dev_cmd->parsed()) return commands::run_dev(dev, ctx);
  } catch (const core::Error& e) {
    return report(e.what(), e.hint(), static_cast<int>(e.code()), err_color, json);
  } catch (const std::exception& e) {
    return report(std::string("internal error (a bug, please report it): ") + e.what(), {},
                  static_cast<int>(core::ExitCode::internal), err_color, json);
  }
  return static_cast<int>(core::ExitCode::internal);
}
