#include "targets/compose/compose_target.hpp"

#include <boutique/build_info.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "core/env_file.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/interrupt.hpp"
#include "images/builder.hpp"
#include "probes/ports.hpp"
#include "state/state_dir.hpp"
#include "targets/compose/doctor.hpp"
#include "targets/confirm.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets::compose {

ComposeTarget::ComposeTarget(core::Context& ctx)
    : ctx_(ctx), dir_(state::state_dir(ctx.config) / "compose"), socket_(ctx, dir_) {}

std::string ComposeTarget::api_url() const {
  return fmt::format("http://127.0.0.1:{}", ctx_.config.integer("ports.api"));
}
std::string ComposeTarget::web_url() const {
  return fmt::format("http://127.0.0.1:{}", ctx_.config.integer("ports.web"));
}

images::EngineKind ComposeTarget::engine() {
  if (!engine_)
    engine_ = images::choose_engine(*ctx_.runner, ctx_.config.str("images.engine"),
                                    ctx_.config.value("images.engine").origin);
  return engine_->kind;
}

const ComposeProgram& ComposeTarget::program() {
  if (!program_) {
    program_ = find_compose(*ctx_.runner);
    if (!program_)
      throw core::MissingPrerequisite(
          "no Compose: neither the docker compose v2 plugin nor docker-compose is installed",
          "install the Compose plugin (docker-compose-plugin) or apt-get install docker-compose");
  }
  return *program_;
}

const std::string& ComposeTarget::tag() {
  if (!tag_)
    tag_ = images::plan_tag(ctx_.config, images::git_info(*ctx_.runner, ctx_.config.root())).tag;
  return *tag_;
}

void ComposeTarget::connect(bool start, bool& started) {
  started = false;
  if (engine() == images::EngineKind::docker) return;  // DOCKER_HOST or the default socket, as set
  std::optional<fs::path> sock;
  if (start)
    sock = socket_.ensure(started, 30s);
  else
    sock = socket_.current();
  if (sock) docker_host_ = "unix://" + sock->string();
}

std::map<std::string, std::string> ComposeTarget::compose_env() {
  const auto& c = ctx_.config;
  std::map<std::string, std::string> env = {
      {"BOUTIQUE_TAG", tag()},
      {"BOUTIQUE_VERSION", build::version()},
      {"BOUTIQUE_API_PORT", c.str("ports.api")},
      {"BOUTIQUE_WEB_PORT", c.str("ports.web")},
      {"BOUTIQUE_DB_PORT", c.str("ports.db")},
      // The names tests/containers/compose.test.yaml uses for the host-network ports.
      {"CT_API_PORT", c.str("ports.api")},
      {"CT_WEB_PORT", c.str("ports.web")},
      {"CT_PG_PORT", c.str("ports.db")},
      {"BOUTIQUE_SEED_DEMO", c.boolean("seed_demo") ? "1" : "0"},
      {"BOUTIQUE_ADMIN_EMAIL", c.str("admin.email")},
  };
  if (!admin_password_.empty()) env["BOUTIQUE_ADMIN_PASSWORD"] = admin_password_;
  if (!docker_host_.empty()) env["DOCKER_HOST"] = docker_host_;
  return env;
}

core::Result ComposeTarget::compose(const std::vector<std::string>& args,
                                    std::chrono::milliseconds timeout, bool inherit_output,
                                    std::string input) {
  if (!files_) files_ = prepare_files(ctx_.config, engine(), dir_);
  std::vector<std::string> argv = program().argv;
  argv.insert(argv.end(), {"--project-directory", ctx_.config.root().string(), "-p",
                           project_name(ctx_.config)});
  for (const auto& f : files_->files) argv.insert(argv.end(), {"-f", f.string()});
  argv.insert(argv.end(), args.begin(), args.end());
  core::Command cmd{argv, compose_env(), ctx_.config.root(), timeout, std::move(input)};
  return inherit_output ? ctx_.runner->run_attached(cmd) : ctx_.runner->run(cmd);
}

core::Result ComposeTarget::compose_ok(const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout, const std::string& hint) {
  auto r = compose(args, timeout);
  if (r.ok()) return r;
  std::vector<std::string> shown = program().argv;
  shown.insert(shown.end(), args.begin(), args.end());
  core::require_ok(r, shown, hint);
  return r;
}

std::vector<core::Check> ComposeTarget::prerequisites() {
  std::vector<core::Check> out;
  doctor_checks(ctx_, out);
  return out;
}

std::vector<state::Secret> ComposeTarget::secrets() const {
  std::vector<state::Secret> out{
      state::stored_or_env("admin.password", dir_ / "admin_password", "BOUTIQUE_ADMIN_PASSWORD",
                           "generated at the first `boutique up --target compose`")};
  // compose.yaml's ${POSTGRES_PASSWORD:-boutique}: the environment, else the project's .env
  // (Compose reads it: --project-directory is the project root), else the file's default.
  const char* env = std::getenv("POSTGRES_PASSWORD");
  const fs::path dotenv = ctx_.config.root() / ".env";
  if (env && *env) {
    out.push_back({"database.password", env, "env", "POSTGRES_PASSWORD"});
  } else if (auto v = core::env_file_value(dotenv, "POSTGRES_PASSWORD")) {
    out.push_back({"database.password", *v, ".env", dotenv.string() + " (POSTGRES_PASSWORD)"});
  } else {
    out.push_back({"database.password", "boutique", "default",
                   ctx_.config.str("compose.file") + " (${POSTGRES_PASSWORD:-boutique})"});
  }
  return out;
}

std::string ComposeTarget::admin_password() {
  const char* env = std::getenv("BOUTIQUE_ADMIN_PASSWORD");
  // The directory is private (0700): admin_password, podman.sock (root-equivalent).
  return state::ensure_secret(dir_ / "admin_password",
                              env && *env ? std::optional<std::string>(env) : std::nullopt);
}

// Services the override builds itself (the postgres stand-in here): built by Compose when their
// image is missing; ours come from the images::Builder.
void ComposeTarget::build_other_services() {
  auto r = compose_ok({"config"}, 60s, "check " + ctx_.config.str("compose.file"));
  images::Engine eng(*ctx_.runner, engine());
  for (const auto& [service, image] : compose_builds(r.out)) {
    if (!image.empty() && eng.image_size(image)) continue;
    auto step = ctx_.progress->step(fmt::format("Building {} (compose build {})", image, service));
    compose_ok({"build", service}, std::chrono::minutes(30), "see the build output above");
    step.done();
  }
}

UpSummary ComposeTarget::up(const UpOptions& opts) {
  const auto parts = resolve_components(opts.components);
  std::vector<std::string> services;
  for (const auto& p : parts) services.push_back(service_of(p));
  tag_.reset();  // this build's tag now: `boutique dev` calls up again after each change
  const auto timeout =
      std::chrono::seconds(opts.timeout_s.value_or(ctx_.config.integer("health_timeout")));
  images::Engine eng(*ctx_.runner, engine());
  program();
  state::make_private_dir(dir_, false);  // admin_password, podman.sock (root-equivalent)
  core::FileLock lock(dir_ / "lock", dir_.string());
  core::catch_interrupts();

  // Ports first: a taken port would only show as a container dying later.
  const auto before = eng.containers(project_name(ctx_.config));
  if (!files_) files_ = prepare_files(ctx_.config, engine(), dir_);
  for (const auto& p : parts) {
    const images::Container* c = images::find_service(before, service_of(p));
    if ((c && c->running()) || (p == "db" && !files_->host_network)) continue;
    static const std::map<std::string, std::array<const char*, 3>> port_of = {
        {"db", {"ports.db", "BOUTIQUE_DB_PORT", "PostgreSQL"}},
        {"api", {"ports.api", "BOUTIQUE_API_PORT", "API"}},
        {"web", {"ports.web", "BOUTIQUE_WEB_PORT", "web UI"}}};
    const auto& [key, env, what] = port_of.at(p);
    probes::require_port_free("127.0.0.1", ctx_.config.integer(key), key, env, what);
  }

  // The images of this commit: built when missing (the rules of `boutique build`).
  images::BuildRequest req;
  for (const char* c : {"api", "web"})
    if (std::count(parts.begin(), parts.end(), c)) req.components.push_back(c);
  if (!req.components.empty()) {
    images::Builder builder(ctx_, eng);
    for (const auto& img : builder.build(req).images)
      if (!img.built) ctx_.progress->info(fmt::format("{}: up to date", img.ref));
  }
  UpSummary sum;
  sum.admin_email = ctx_.config.str("admin.email");
  sum.admin_password = admin_password_ = admin_password();
  sum.demo_accounts = ctx_.config.boolean("seed_demo");

  bool started_socket = false;
  connect(true, started_socket);
  bool any_running = std::any_of(before.begin(), before.end(),
                                 [](const images::Container& c) { return c.running(); });
  try {
    build_other_services();
    std::vector<std::string> args = {"up", "-d", "--no-build"};
    args.insert(args.end(), services.begin(), services.end());
    auto step = ctx_.progress->step(
        fmt::format("Starting {} ({})", fmt::join(services, ", "), program().label()));
    compose_ok(args, std::chrono::minutes(10), "see `boutique logs` and `boutique status`");
    step.done();
    wait_healthy(services, std::chrono::steady_clock::now() + timeout);
  } catch (...) {
    if (!any_running) {  // roll back what this run started; the data volume is kept
      ctx_.progress->info("rolling back: compose down (started by this run; data kept)");
      try {
        compose({"down", "--timeout", ctx_.config.str("stop_timeout")}, 2min);
        if (started_socket) socket_.stop(5s);
      } catch (const std::exception& e) {
        ctx_.progress->warn(std::string("rollback: ") + e.what());
      }
    }
    throw;
  }
  for (const auto& p : parts) {
    const images::Container* c = images::find_service(before, service_of(p));
    (c && c->running() ? sum.already : sum.started).push_back(p);
  }
  if (std::count(parts.begin(), parts.end(), "web"))
    sum.urls.emplace_back("Web UI", web_url() + "/");
  if (std::count(parts.begin(), parts.end(), "api"))
    sum.urls.emplace_back("API", api_url() + "/api/info");
  sum.urls.emplace_back(
      "Compose", fmt::format("{}, project {}{}", program().label(), project_name(ctx_.config),
                             docker_host_.empty() ? "" : " on " + docker_host_));
  return sum;
}

void ComposeTarget::down(const DownOptions& opts) {
  const std::string project = project_name(ctx_.config);
  if (opts.volumes)
    confirm_delete(
        fmt::format("the Compose project {} (its volumes) and {}", project, dir_.string()),
        opts.yes);
  std::optional<core::FileLock> lock;
  if (fs::exists(dir_)) lock.emplace(dir_ / "lock", dir_.string());
  images::Engine eng(*ctx_.runner, engine());
  const auto containers = eng.containers(project);
  if (!containers.empty() || opts.volumes) {
    program();
    bool started = false;
    connect(true, started);
    std::vector<std::string> args = {"down", "--timeout", ctx_.config.str("stop_timeout")};
    if (opts.volumes) args.push_back("--volumes");
    auto step = ctx_.progress->step(fmt::format("Stopping the Compose project {}{}", project,
                                                opts.volumes ? " and deleting its volumes" : ""));
    compose_ok(args, std::chrono::minutes(5), "see `boutique status`");
    step.done();
  } else {
    ctx_.progress->info(fmt::format("nothing to stop: no container of project {}", project));
  }
  if (auto p = socket_.pid()) {
    socket_.stop(std::chrono::seconds(ctx_.config.integer("stop_timeout")));
    ctx_.progress->info(fmt::format("stopped podman's API service (pid {})", *p));
  }
  if (opts.volumes) {
    lock.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void ComposeTarget::logs(const LogsOptions& opts) {
  bool started = false;
  connect(true, started);
  std::vector<std::string> args = {"logs", "--no-color", "--tail", std::to_string(opts.tail)};
  if (opts.follow) args.push_back("-f");
  if (!opts.component.empty()) args.push_back(service_of(opts.component));
  try {
    if (opts.follow) {
      core::catch_interrupts();
      try {
        compose(args, 0ms, true);
      } catch (const core::Aborted&) {
      }  // Ctrl-C ends `logs -f`: not an error
    } else {
      ctx_.print(compose_ok(args, 60s, "see `boutique status`").out);
    }
  } catch (...) {
    if (started) socket_.stop(5s);
    throw;
  }
  if (started) socket_.stop(5s);
}

}  // namespace boutique::targets::compose
