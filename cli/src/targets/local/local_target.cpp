#include "targets/local/local_target.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <future>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/interrupt.hpp"
#include "core/logtail.hpp"
#include "core/pids.hpp"
#include "targets/confirm.hpp"
#include "targets/local/database.hpp"
#include "targets/local/dev.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::local {
namespace {

bool wants(const std::vector<std::string>& parts, const char* p) {
  return std::find(parts.begin(), parts.end(), p) != parts.end();
}

}  // namespace

LocalTarget::LocalTarget(core::Context& ctx)
    : ctx_(ctx),
      layout_(Layout::from(ctx.config)),
      db_(ctx, layout_),
      api_(ctx, layout_),
      web_(ctx, layout_) {}

std::vector<state::Secret> LocalTarget::secrets() const {
  const std::string later = "generated at the first `boutique up`";
  return {
      state::stored_or_env("admin.password", layout_.secrets() / "admin_password",
                           "BOUTIQUE_ADMIN_PASSWORD", later),
      state::stored_or_env("database.password", layout_.secrets() / "db_password", nullptr, later)};
}

std::unique_ptr<Database> LocalTarget::database() {
  return std::make_unique<LocalDatabase>(ctx_, layout_, db_, api_);
}

int LocalTarget::dev(const dev::Options& opts) {
  return run_dev(ctx_, opts);
}

std::string LocalTarget::admin_password() {
  const char* env = std::getenv("BOUTIQUE_ADMIN_PASSWORD");
  std::optional<std::string> preset;
  if (env && *env) preset = env;
  std::string stored = state::ensure_secret(layout_.secrets() / "admin_password", preset);
  if (preset && *preset != stored)
    ctx_.progress->warn(fmt::format(
        "BOUTIQUE_ADMIN_PASSWORD differs from the admin password stored at the first `up` ({}): "
        "the API applies a password only when it creates the admin account, so the stored one "
        "still holds; `boutique down --volumes` starts afresh",
        (layout_.secrets() / "admin_password").string()));
  return stored;
}

UpSummary LocalTarget::up(const UpOptions& opts) {
  const auto parts = resolve_components(opts.components);
  const auto timeout =
      std::chrono::seconds(opts.timeout_s.value_or(ctx_.config.integer("health_timeout")));
  // Everything that can be missing is checked before anything starts.
  if (wants(parts, "db")) db_.bindir();
  if (wants(parts, "web")) web_.preflight();
  if (wants(parts, "api") && ::access(api_.binary().c_str(), X_OK) != 0)
    throw core::MissingPrerequisite(
        fmt::format("the API binary {} is missing", api_.binary().string()),
        "build it: make  (or cmake --build build --target boutique-api), or set local.api_binary");
  layout_.create();
  core::FileLock lock(layout_.lock(), layout_.state.string());
  core::catch_interrupts();  // Ctrl-C rolls back what this run started

  UpSummary sum;
  std::vector<std::pair<std::string, std::function<void()>>> rollback;
  const auto grace = std::chrono::seconds(ctx_.config.integer("stop_timeout"));
  try {
    std::string db_password = state::ensure_secret(layout_.secrets() / "db_password", std::nullopt);
    sum.admin_email = ctx_.config.str("admin.email");
    sum.admin_password = admin_password();
    sum.demo_accounts = ctx_.config.boolean("seed_demo");
    if (wants(parts, "db")) {
      if (auto p = db_.pid()) {
        sum.already.push_back(fmt::format("db (pid {})", *p));
      } else {
        db_.prepare();
        // Registered before starting: a pg_ctl that fails late may still leave a postmaster.
        rollback.emplace_back("db", [this, grace] {
          if (auto pg = db_.pid()) core::stop_process(*pg, SIGINT, grace);
        });
        db_.start(timeout);
        sum.started.push_back("db");
      }
      db_.ensure_database(db_password);
      sum.urls.emplace_back("PostgreSQL", fmt::format("postgresql://{}@127.0.0.1:{}/{}",
                                                      ctx_.config.str("database.user"), db_.port(),
                                                      ctx_.config.str("database.name")));
    }
    core::throw_if_interrupted();
    if (wants(parts, "api")) {
      auto running = api_.pid();
      if (running && api_.binary_replaced(*running)) {
        ctx_.progress->info(fmt::format("{} was rebuilt since the API started: restarting it",
                                        api_.binary().string()));
        api_.stop(grace);
        running.reset();
      }
      if (running) {
        sum.already.push_back(fmt::format("api (pid {})", *running));
      } else {
        std::map<std::string, std::string> env = {
            {"DATABASE_URL", db_.url(db_password)},
            {"PORT", std::to_string(api_.port())},
            {"BOUTIQUE_BIND", ctx_.config.str("local.bind")},
            {"BOUTIQUE_SEED_DEMO", ctx_.config.boolean("seed_demo") ? "1" : "0"},
            {"BOUTIQUE_ADMIN_EMAIL", sum.admin_email},
            {"BOUTIQUE_ADMIN_PASSWORD", sum.admin_password},
            {"BOUTIQUE_LOG_FORMAT", ctx_.config.str("local.log_format")},
            {"BOUTIQUE_CORS_ORIGINS", web_.base_url()},
        };
        pid_t started = api_.start(env);
        rollback.emplace_back("api",
                              [grace, started] { core::stop_process(started, SIGTERM, grace); });
        sum.started.push_back("api");
      }
      api_.wait_ready(Clock::now() + timeout);
      sum.urls.emplace_back("API", api_.base_url() + "/api/info");
    }
    core::throw_if_interrupted();
    if (wants(parts, "web")) {
      web_.prepare_ui();
      bool changed = web_.write_config(
          fmt::format("{}:{}", probe_host(ctx_.config.str("local.bind")), api_.port()));
      if (auto p = web_.pid()) {
        if (changed) {
          web_.reload();
          sum.started.push_back("web (configuration reloaded)");
        } else {
          sum.already.push_back(fmt::format("web (pid {})", *p));
        }
      } else {
        pid_t started = web_.start();
        rollback.emplace_back("web",
                              [grace, started] { core::stop_process(started, SIGQUIT, grace); });
        sum.started.push_back("web");
      }
      web_.wait_ready(Clock::now() + timeout);
      sum.urls.insert(sum.urls.begin(), {"Web UI", web_.base_url() + "/"});
    }
  } catch (...) {
    // Roll back what this run started, newest first; the original error is what the user sees.
    for (auto it = rollback.rbegin(); it != rollback.rend(); ++it) {
      ctx_.progress->info(
          fmt::format("rolling back: stopping {} (started by this run)", it->first));
      try {
        it->second();
      } catch (const std::exception& e) {
        ctx_.progress->warn(fmt::format("could not stop {}: {}", it->first, e.what()));
      }
    }
    throw;
  }
  return sum;
}

void LocalTarget::down(const DownOptions& opts) {
  if (opts.volumes)
    confirm_delete(layout_.state.string() +
                       (layout_.pg_external ? " and " + layout_.pg_home.string() : std::string()),
                   opts.yes);
  if (!fs::exists(layout_.state)) {
    ctx_.progress->info(fmt::format("nothing to stop: {} does not exist", layout_.state.string()));
    return;
  }
  std::optional<core::FileLock> lock;
  lock.emplace(layout_.lock(), layout_.state.string());
  const auto grace = std::chrono::seconds(ctx_.config.integer("stop_timeout"));
  auto stop = [&](const char* label, auto pid, auto fn) {
    if (!pid) return;
    auto step = ctx_.progress->step(fmt::format("Stopping {} (pid {})", label, *pid));
    try {
      fn();
    } catch (...) {
      step.fail();
      throw;
    }
    step.done();
  };
  stop("the web UI", web_.pid(), [&] { web_.stop(grace); });
  stop("the API", api_.pid(), [&] { api_.stop(grace); });
  stop("PostgreSQL", db_.pid(), [&] { db_.stop(grace); });
  if (opts.volumes) {
    lock.reset();
    remove_volumes();
  }
}

void LocalTarget::remove_volumes() {
  if (!fs::exists(layout_.marker()))
    throw core::ConfigError(
        fmt::format("{} has no {} marker: not deleting a directory boutique "
                    "did not create",
                    layout_.state.string(), layout_.marker().filename().string()),
        "check state_dir");
  auto step = ctx_.progress->step("Deleting data");
  if (layout_.pg_external) fs::remove_all(layout_.pg_home);
  fs::remove_all(layout_.relocated_web());
  fs::remove_all(layout_.state);
  step.done(layout_.state.string());
}

std::vector<core::Check> LocalTarget::status() {
  // The three parts are probed at the same time: the checks are independent, and mostly waiting.
  auto timed = [](auto fn) {
    return std::async(std::launch::async, [fn] {
      auto t0 = Clock::now();
      auto checks = fn();
      double each = std::chrono::duration<double>(Clock::now() - t0).count() /
                    static_cast<double>(std::max<std::size_t>(1, checks.size()));
      for (auto& c : checks) c.seconds = each;
      return checks;
    });
  };
  auto db = timed([this] { return db_.checks(); });
  auto api = timed([this] { return api_.checks(); });
  auto web = timed([this] { return web_.checks(); });
  std::vector<core::Check> all;
  for (auto* f : {&db, &api, &web}) {
    auto part = f->get();
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

void LocalTarget::logs(const LogsOptions& opts) {
  std::vector<core::LogSource> sources;
  if (opts.component.empty() || opts.component == "db") sources.push_back({"db", layout_.pg_log()});
  if (opts.component.empty() || opts.component == "api") sources.push_back({"api", api_.log()});
  if (opts.component.empty() || opts.component == "web") {
    sources.push_back({"web", web_.error_log()});
    sources.push_back({"web-access", web_.access_log()});
  }
  if (sources.empty())
    throw core::ConfigError(fmt::format("unknown component '{}' (db, api, web)", opts.component));
  core::print_tail(sources, static_cast<std::size_t>(std::max(0, opts.tail)), ctx_.out);
  if (!opts.follow) return;
  core::catch_interrupts();
  core::follow(sources, ctx_.out, core::interrupted);
}

}  // namespace boutique::targets::local
