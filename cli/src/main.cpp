// boutique: the Boutique stack's command-line front door. CLI11 wiring and the one error boundary:
// every command's failure is a core::Error mapped to a documented exit code (docs/cli.md).
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>

#include "commands/build.hpp"
#include "commands/config.hpp"
#include "commands/deploy.hpp"
#include "commands/doctor.hpp"
#include "commands/down.hpp"
#include "commands/logs.hpp"
#include "commands/pipeline.hpp"
#include "commands/render.hpp"
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
      ->check(CLI::IsMember({"local", "compose", "k8s"}));
  app.add_option("--config", g.config_file,
                 "Configuration file (default: ./boutique.yaml when present)");
  app.add_option("--engine", g.engine, "Container engine for build and compose (default: auto)")
      ->check(CLI::IsMember({"auto", "docker", "podman"}));
  app.add_option("--state-dir", g.state_dir,
                 "State directory of the local target (default: .boutique)");
  app.add_option("-o,--output", g.output, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_flag("--no-color", g.no_color,
               "No colours (also: NO_COLOR set, or output not a terminal)");
  app.add_flag("-v,--verbose", g.verbose, "Print every external command before running it");
  app.add_flag("-q,--quiet", g.quiet, "Only errors and results, no progress");
}

int report(const core::Error& e, bool color) {
  std::fprintf(stderr, "%serror:%s %s\n", color ? "\033[31m" : "", color ? "\033[0m" : "",
               e.what());
  if (!e.hint().empty()) std::fprintf(stderr, "  hint: %s\n", e.hint().c_str());
  return static_cast<int>(e.code());
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
      "failed, 5 timeout, 6 port/lock conflict, 8 aborted (docs/cli.md).\n\n"
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  const bool err_color = core::use_color(g.no_color, stderr);
  try {
    if (version_cmd->parsed()) return commands::run_version(version, g.output == "json");
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
  } catch (const core::Error& e) {
    return report(e, err_color);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error (a bug, please report it): %s\n", e.what());
    return static_cast<int>(core::ExitCode::internal);
  }
  return static_cast<int>(core::ExitCode::internal);
}
