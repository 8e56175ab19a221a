#include "targets/local/dev.hpp"

#include <algorithm>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/http.hpp"
#include "core/interrupt.hpp"
#include "core/watcher.hpp"
#include "probes/ports.hpp"
#include "targets/local/local_target.hpp"
#include "ui/build.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::local {
namespace {

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

bool contains(const std::vector<std::string>& v, const char* s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The CMake build directory that produces `binary`: the nearest parent with a CMakeCache.txt.
std::optional<fs::path> build_dir_of(const fs::path& binary) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(binary, ec).parent_path();
  for (; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / "CMakeCache.txt")) return dir;
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

// CMAKE_HOME_DIRECTORY of a build directory's CMakeCache.txt: the sources it builds.
std::optional<fs::path> cmake_source_dir(const fs::path& build) {
  std::ifstream cache(build / "CMakeCache.txt");
  const std::string key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
  for (std::string line; std::getline(cache, line);)
    if (line.rfind(key, 0) == 0) {
      std::error_code ec;
      return fs::weakly_canonical(line.substr(key.size()), ec);
    }
  return std::nullopt;
}

class Session {
 public:
  Session(core::Context& ctx, const dev::Options& opts)
      : ctx_(ctx),
        opts_(opts),
        layout_(Layout::from(ctx.config)),
        db_(ctx, layout_),
        api_(ctx, layout_),
        web_(ctx, layout_),
        target_(ctx),
        grace_(std::chrono::seconds(ctx.config.integer("stop_timeout"))) {}

  int run() {
    core::catch_interrupts();
    try {
      start();
      running_ = true;
      loop();
    } catch (...) {
      put_back();
      throw;
    }
    put_back();
    return 0;
  }

 private:
  void say(const std::string& line) { ctx_.print(line + "\n"); }

  void start() {
    const auto build = build_dir_of(api_.binary());
    if (!build)
      throw core::MissingPrerequisite(
          fmt::format("boutique dev rebuilds the API with CMake, but {} is not in a CMake build "
                      "directory",
                      api_.binary().string()),
          "build it with `make` (build/bin/boutique-api), or point local.api_binary at the "
          "boutique-api of a CMake build");
    build_dir_ = *build;
    // A build of another checkout would never see the saves watched here.
    const auto sources = cmake_source_dir(build_dir_);
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(layout_.root, ec);
    if (sources && !dev::within(*sources, root))
      throw core::ConfigError(
          fmt::format("{} is built from {}, not from this project ({}): a save here would not "
                      "change it",
                      api_.binary().string(), sources->string(), root.string()),
          fmt::format("build this project (make) and set local.api_binary to {}",
                      (root / "build" / "bin" / "boutique-api").string()));
    const fs::path frontend = layout_.root / "frontend";
    const bool vite = opts_.ui && fs::exists(frontend / "package.json");
    if (opts_.ui && !vite)
      ctx_.progress->info(fmt::format("no frontend sources ({}): nginx serves the UI",
                                      (frontend / "package.json").string()));
    std::vector<std::string> parts = {"api"};
    if (!vite) parts.push_back("web");
    const auto sum = target_.up({parts, opts_.timeout_s});
    started_db_ = contains(sum.started, "db");
    started_api_ = contains(sum.started, "api");
    started_web_ = contains(sum.started, "web");
    if (vite) start_vite(frontend);

    const auto roots = dev::watched_roots(layout_.root);
    watcher_.emplace(core::WatchOptions{roots});
    say("");
    say(fmt::format("  Web UI  {}/{}", web_.base_url(),
                    vite ? "   (Vite's dev server: hot reload)" : "   (nginx: the built UI)"));
    say(fmt::format("  API     {}/api/info", api_.base_url()));
    say("");
    std::vector<std::string> dirs;
    for (const auto& d : roots) dirs.push_back(d.lexically_relative(layout_.root).string());
    say(fmt::format(
        "Watching {} ({} directories). A save in api/ rebuilds boutique-api ({}) and restarts "
        "it; Ctrl-C stops what dev started, the data stays.",
        fmt::join(dirs, ", "), watcher_->watched_directories(), build_dir_.string()));
  }

  void start_vite(const fs::path& frontend) {
    if (auto p = web_.pid()) {
      auto step = ctx_.progress->step(fmt::format(
          "Stopping nginx (pid {}) while Vite serves the UI on port {}", *p, web_.port()));
      web_.stop(grace_);
      step.done("back when dev ends");
      stopped_web_ = true;
    }
    const std::string bind = ctx_.config.str("local.bind");
    probes::require_port_free(bind, web_.port(), "ports.web", "BOUTIQUE_WEB_PORT", "web UI");
    auto cmd = ui::dev_server(ctx_, frontend, probe_host(bind), web_.port(), api_.base_url());
    auto step =
        ctx_.progress->step(fmt::format("Starting Vite's dev server on {}", web_.base_url()));
    vite_ = ctx_.runner->start(cmd);
    const auto deadline =
        Clock::now() +
        std::chrono::seconds(opts_.timeout_s.value_or(ctx_.config.integer("health_timeout")));
    while (true) {
      core::throw_if_interrupted();
      if (!vite_->running()) {
        while (vite_->read_line(10ms)) {
        }
        step.fail();
        throw core::CommandFailed(
            fmt::format(
                "Vite's dev server ended ({}): {}",
                vite_->exit_code() == -1 ? "killed" : fmt::format("exit {}", *vite_->exit_code()),
                core::tail_lines(vite_->transcript(), 5)),
            "cd frontend && npm run dev  shows why; `boutique dev --no-ui` serves the built UI");
      }
      if (core::http_get(web_.base_url() + "/", 1s).ok()) break;
      if (Clock::now() > deadline) {
        step.fail();
        throw core::TimeoutError(fmt::format("Vite's dev server did not answer on {} in time: {}",
                                             web_.base_url(),
                                             core::tail_lines(vite_->transcript(), 5)));
      }
      vite_->read_line(100ms);  // its start-up lines: kept in the transcript
    }
    step.done();
  }

  // Vite's lines as they come ("[vite] hmr update /src/App.tsx"); an error if it ended.
  void pump_ui() {
    if (!vite_) return;
    while (auto line = vite_->read_line(1ms))
      if (!line->empty()) say("ui   | " + *line);
    if (!vite_->running())
      throw core::CommandFailed(
          fmt::format("Vite's dev server ended: {}", core::tail_lines(vite_->transcript(), 5)),
          "start `boutique dev` again");
  }

  void loop() {
    while (!core::interrupted()) {
      const auto batch = watcher_->wait(200ms);
      pump_ui();
      if (batch.empty() || core::interrupted()) continue;
      const auto plan = dev::plan_changes(batch, layout_.root);
      if (!plan.api.empty() || plan.overflow) rebuild_api(plan, batch.first);
      if (!plan.web.empty() && !vite_)
        say(
            fmt::format("ui   {} saved: nginx serves the built UI (`boutique dev` without "
                        "--no-ui updates the page as you save)",
                        dev::describe(plan.web)));
    }
  }

  void rebuild_api(const dev::Plan& plan, Clock::time_point saved) {
    say(fmt::format("api  {} saved: building boutique-api",
                    plan.overflow ? std::string("many files") : dev::describe(plan.api)));
    const auto t0 = Clock::now();
    auto build = ctx_.runner->start(
        {{"cmake", "--build", build_dir_.string(), "--target", "boutique-api"}, {}, {}, 0ms, {}});
    while (build->running()) {
      if (core::interrupted()) return;  // the handle ends the build
      build->read_line(100ms);
      pump_ui();
    }
    while (build->read_line(10ms)) {
    }
    const auto built = Clock::now();
    if (build->exit_code() != 0) {
      std::string error = dev::first_compiler_error(build->transcript());
      if (error.empty()) error = core::tail_lines(build->transcript(), 10);
      const auto running = api_.pid();
      ctx_.progress->warn(fmt::format(
          "api  build failed after {:.1f} s; {}. The first error:\n{}", seconds(built - t0),
          running ? fmt::format("the running API (pid {}) keeps serving", *running)
                  : std::string("no API runs"),
          error));
      return;
    }
    if (auto running = api_.pid(); running && !api_.binary_replaced(*running)) {
      say(
          fmt::format("api  built in {:.1f} s: boutique-api did not change, the API (pid {}) "
                      "keeps running",
                      seconds(built - t0), *running));
      return;
    }
    try {
      target_.up({{"api"}, opts_.timeout_s});
    } catch (const core::Aborted&) {
      return;  // Ctrl-C during the restart: put_back() follows
    } catch (const core::Error& e) {
      ctx_.progress->warn(fmt::format(
          "api  the new build did not start: {}{}. Fix it and save again (`boutique logs api`).",
          e.what(), e.hint().empty() ? "" : " (" + e.hint() + ")"));
      return;
    }
    const auto ready = Clock::now();
    if (!plan.migrations.empty()) {
      // What the new API reports, not what the file names suggest.
      const auto info = core::http_get(api_.base_url() + "/api/info", 2s);
      std::string version = "unknown";
      try {
        version = std::to_string(
            nlohmann::json::parse(info.body).at("database").at("migration_version").get<int>());
      } catch (const std::exception&) {
      }
      say(fmt::format("api  {} saved: the schema is at version {} now",
                      dev::describe(plan.migrations), version));
    }
    say(
        fmt::format("api  answering {:.1f} s after the save (build {:.1f} s, restart {:.1f} s), "
                    "pid {}",
                    seconds(ready - saved), seconds(built - t0), seconds(ready - built),
                    api_.pid().value_or(0)));
  }

  // What dev changed goes back: Vite ends, nginx comes back if dev stopped it, the parts dev
  // started stop. A second Ctrl-C interrupts this.
  void put_back() noexcept {
    vite_.reset();
    core::clear_interrupt();
    auto attempt = [this](const char* what, auto fn) {
      try {
        fn();
      } catch (const std::exception& e) {
        ctx_.progress->warn(fmt::format("could not {}: {}", what, e.what()));
      }
    };
    if (stopped_web_)
      attempt("start nginx again (`boutique up web`)", [this] { target_.up({{"web"}, {}}); });
    if (started_web_)
      attempt("stop nginx", [this] {
        if (web_.pid()) web_.stop(grace_);
      });
    if (started_api_) attempt("stop the API", [this] { api_.stop(grace_); });
    if (started_db_)
      attempt("stop PostgreSQL", [this] {
        if (db_.pid()) db_.stop(grace_);
      });
    say(fmt::format(
        "dev ended: {}; the data stays in {}.",
        started_db_ || started_api_ ? "what it started is stopped" : "the stack runs as before",
        layout_.state.string()));
  }

  core::Context& ctx_;
  dev::Options opts_;
  Layout layout_;
  Postgres db_;
  Api api_;
  Web web_;
  LocalTarget target_;
  std::chrono::milliseconds grace_;
  fs::path build_dir_;
  std::optional<core::Watcher> watcher_;
  std::unique_ptr<core::Running> vite_;
  bool started_db_ = false, started_api_ = false, started_web_ = false, stopped_web_ = false;
  bool running_ = false;  // past the start: the loop ran
};

}  // namespace

int run_dev(core::Context& ctx, const dev::Options& opts) {
  return Session(ctx, opts).run();
}

}  // namespace boutique::targets::local
