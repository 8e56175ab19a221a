// boutique-api: configuration from the environment, start-up (migrations in the background), serve
// until SIGTERM/SIGINT, drain, exit 0. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or
// configuration, 3 database unreachable (`migrate` only).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string_view>
#include <thread>

#include <boutique/build_info.hpp>

#include "app/config.hpp"
#include "app/log.hpp"
#include "db/conninfo.hpp"
#include "db/embedded.hpp"
#include "db/listener.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "db/seed.hpp"
#include "db/statements.hpp"
#include "db/store.hpp"
#include "http/api.hpp"
#include "http/list_cache.hpp"
#include "http/pistache/server.hpp"
#include "security/crypto.hpp"

namespace {

using namespace boutique;

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;
constexpr int kExitDatabase = 3;

void print_help() {
  std::cout
      << "Usage: boutique-api [migrate] [--help] [--version]\n\n"
         "The Boutique shop API (JSON over HTTP). Without a command: apply pending migrations\n"
         "in the background and serve until SIGTERM or SIGINT.\n\n"
         "Commands:\n"
         "  migrate    apply pending database migrations, then exit\n\n"
      << app::config_help()
      << "\nExit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration, 3 database "
         "unreachable.\n";
}

// libpq defaults read from the environment: bounded connect time, bounded statements (handlers run
// on the HTTP threads: a stuck query must not hold a thread forever), and a recognisable name.
void set_libpq_defaults() {
  setenv("PGCONNECT_TIMEOUT", "3", 0);
  setenv("PGOPTIONS", "-c statement_timeout=5000 -c lock_timeout=3000", 0);
  setenv("PGAPPNAME", "boutique-api", 0);
}

void migrate_and_seed(pqxx::connection& conn, const app::Config& config) {
  db::prepare_statements(conn);  // seeding uses the repositories
  db::migrate(conn, [&](pqxx::connection& c) {
    if (config.seed_demo) db::seed_demo(c, config);
  });
}

int run_migrate(const app::Config& config) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      pqxx::connection conn(config.database_url);
      migrate_and_seed(conn, config);
      app::log::info("database up to date")
          .num("migration_version", db::embedded::latest_migration_version());
      return 0;
    } catch (const pqxx::broken_connection& e) {
      if (std::chrono::steady_clock::now() > deadline) {
        app::log::error("database unreachable")
            .str("error", e.what())
            .str("hint", "check DATABASE_URL");
        return kExitDatabase;
      }
    } catch (const db::SeedConflict& e) {
      app::log::error("demo accounts cannot be seeded").str("error", e.what());
      return kExitUsage;
    } catch (const std::exception& e) {
      app::log::error("migration failed").str("error", e.what());
      return kExitRuntime;
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(500));  // retry pacing, not synchronisation
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool migrate_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_help();
      return 0;
    }
    if (arg == "--version") {
      std::cout << "boutique-api " << build::version() << " (commit " << build::commit() << ")\n";
      return 0;
    }
    if (arg == "migrate") {
      migrate_only = true;
      continue;
    }
    std::cerr << "boutique-api: unknown argument '" << arg << "' (see boutique-api --help)\n";
    return kExitUsage;
  }

  app::Config config;
  try {
    config = app::load_config([](const char* name) { return std::getenv(name); });
  } catch (const app::ConfigError& e) {
    std::cerr << "boutique-api: configuration error: " << e.what() << "\n";
    return kExitUsage;
  }
  app::log::set_format(config.log_format);
  set_libpq_defaults();
  // Every connection (pool, change listener, migrations) notices a dead server or path within ~5 s.
  config.database_url = db::with_client_timeouts(config.database_url);
  try {
    security::init();
  } catch (const std::exception& e) {
    app::log::error("start-up failed").str("error", e.what());
    return kExitRuntime;
  }
  if (migrate_only) return run_migrate(config);

  // Signals are taken by sigwait below; block them before any thread starts so none inherits them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  db::Pool pool(config.database_url, config.db_pool, db::prepare_statements);
  http::ListCache cache;
  http::Metrics metrics(http::Server::route_labels());
  db::Store store(pool, [&cache] { cache.invalidate(); });
  http::Api api(config, store, cache, metrics);
  db::ChangeListener listener(config.database_url, {[&cache] { cache.invalidate(); },
                                                    [&cache](bool on) { cache.set_enabled(on); }});
  http::Server server(config, api, metrics);

  try {
    server.start();
  } catch (const std::exception& e) {
    app::log::error("cannot listen")
        .str("address", config.bind + ":" + std::to_string(config.port))
        .str("error", e.what())
        .str("hint", "is another process using this port? set PORT to choose another");
    return kExitRuntime;
  }
  app::log::info("listening")
      .str("address", config.bind + ":" + std::to_string(config.port))
      .str("version", build::version())
      .str("commit", build::commit())
      .num("threads", config.threads)
      .num("workers", config.workers)
      .num("queue", static_cast<long long>(config.queue))
      .num("hash_workers", config.hash_workers)
      .num("worker_nice", config.worker_nice)
      .num("db_pool", config.db_pool);

  // Migrations run in the background so /healthz answers at once; /readyz and the data routes
  // answer 503 until they are done. A database that is not up yet is retried every second.
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::atomic<int> exit_code{0};
  std::thread startup([&] {
    bool reported = false;
    for (;;) {
      try {
        pqxx::connection conn(config.database_url);
        migrate_and_seed(conn, config);
        api.set_migrated(true);
        listener.start();
        app::log::info("ready").num("migration_version", db::embedded::latest_migration_version());
        return;
      } catch (const db::SeedConflict& e) {
        // Retrying cannot fix a configuration error: say so and stop the server (exit 2).
        app::log::error("demo accounts cannot be seeded: stopping").str("error", e.what());
        exit_code.store(kExitUsage);
        ::kill(::getpid(), SIGTERM);
        return;
      } catch (const std::exception& e) {
        if (!reported)
          app::log::warn("database not ready, retrying every second").str("error", e.what());
        reported = true;
      }
      std::unique_lock lock(stop_mutex);
      if (stop_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; })) return;
    }
  });

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  app::log::info("shutting down").str("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  {
    std::lock_guard lock(stop_mutex);
    stopping = true;
  }
  stop_cv.notify_all();
  server.shutdown(std::chrono::milliseconds(1700));  // in-flight requests are answered, then stop
  startup.join();
  listener.stop();
  app::log::info("stopped");
  return exit_code.load();
}
