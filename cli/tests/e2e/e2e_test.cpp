// End to end, real processes: the `boutique` binary drives PostgreSQL, the real boutique-api and
// nginx on free ports under a temporary state dir. Never sleeps to synchronise: polls with
// deadlines.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "core/process.hpp"
#include "free_port.hpp"
#include "hermetic_env.hpp"
#include "probes/stack.hpp"
#include "targets/local/postgres.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

using boutique::fixture::free_port;

bool wait_gone(pid_t pid, std::chrono::seconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (core::process_alive(pid))
    if (std::chrono::steady_clock::now() > end)
      return false;
    else
      std::this_thread::sleep_for(20ms);
  return true;
}

class E2E : public ::testing::Test {
 protected:
  void SetUp() override {
    fake::clear_boutique_env();
    char tmpl[] = "/tmp/boutique-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    fs::permissions(base_, fs::perms(0755));  // the postgres and www-data users must traverse it
    // A project root with the API's migrations and the real nginx template, but no frontend
    // sources: `up` serves its generated page instead of running npm.
    root_ = base_ / "project";
    fs::create_directories(root_ / "api");
    fs::create_directories(root_ / "frontend");
    fs::create_directory_symlink(fs::path(BOUTIQUE_SOURCE_DIR) / "api" / "migrations",
                                 root_ / "api" / "migrations");
    fs::create_directory_symlink(fs::path(BOUTIQUE_SOURCE_DIR) / "frontend" / "nginx",
                                 root_ / "frontend" / "nginx");
    state_ = base_ / "state";
    api_port_ = free_port();
    web_port_ = free_port();
    db_port_ = free_port();
    while (web_port_ == api_port_) web_port_ = free_port();
    while (db_port_ == api_port_ || db_port_ == web_port_) db_port_ = free_port();
    password_ = core::random_secret(20);
    env_ = {{"BOUTIQUE_STATE_DIR", state_.string()},
            {"BOUTIQUE_API_PORT", std::to_string(api_port_)},
            {"BOUTIQUE_WEB_PORT", std::to_string(web_port_)},
            {"BOUTIQUE_DB_PORT", std::to_string(db_port_)},
            {"BOUTIQUE_API_BINARY", BOUTIQUE_API_BIN},
            {"BOUTIQUE_ADMIN_PASSWORD", password_},
            {"BOUTIQUE_HEALTH_TIMEOUT", "90"},
            {"BOUTIQUE_TARGET", "local"},
            {"NO_COLOR", "1"}};
  }
  void TearDown() override {
    if (HasFailure())
      for (const char* log : {"logs/api.log", "logs/web.log", "pg/postgresql.log"})
        std::cerr << "---- last lines of " << log << "\n"
                  << core::tail_lines(core::read_text(state_ / log).value_or("(none)"), 30) << "\n";
    run({"down", "--volumes", "--yes"});  // best effort, even after a failure
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  core::Result run(std::vector<std::string> args) {
    args.insert(args.begin(), BOUTIQUE_CLI);
    auto r = runner_.run({args, env_, root_, 240s, {}});
    std::cerr << "$ " << core::display(args) << "  -> " << r.describe() << "\n" << r.out << r.err;
    return r;
  }
  std::string url(int port, const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::optional<pid_t> pid_of(const fs::path& file) { return core::read_pid_file(file); }
  std::map<std::string, pid_t> pids() {
    std::map<std::string, pid_t> m;
    if (auto p = pid_of(state_ / "run" / "api.pid")) m["api"] = *p;
    if (auto p = pid_of(state_ / "run" / "web.pid")) m["web"] = *p;
    if (auto p = pid_of(state_ / "pg" / "data" / "postmaster.pid")) m["db"] = *p;
    return m;
  }

  core::HttpResponse call(const std::string& method, const std::string& path, const json& body,
                          const std::string& token = {}) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return core::http_request({method,
                               url(api_port_, path),
                               body.is_null() ? std::optional<std::string>() : body.dump(),
                               headers,
                               10s,
                               {}});
  }
  // The token of a login, empty (and the status in `status`) when refused.
  std::string login(const std::string& email, const std::string& password, long* status = nullptr) {
    auto r = call("POST", "/api/auth/login", {{"email", email}, {"password", password}});
    if (status) *status = r.status;
    return r.status == 200 ? json::parse(r.body)["token"].get<std::string>() : std::string();
  }
  // SQL as the application's role, over TCP like the API (password through the environment).
  core::Result psql(const std::string& sql) {
    std::string pw = core::read_text(state_ / "secrets" / "db_password").value_or("");
    while (!pw.empty() && pw.back() == '\n') pw.pop_back();
    const auto bindir = targets::local::find_pg_bindir(runner_);
    return runner_.run(
        {{(bindir / "psql").string(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
          std::to_string(db_port_), "-U", "boutique", "-d", "boutique", "-c", sql},
         {{"PGPASSWORD", pw}},
         {},
         30s,
         {}});
  }

  static mode_t mode_of(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
  }

  // docs/security.md: who may read what under the state dir, and where the database password may
  // appear (secrets/db_password only: not in the output of `up`, not in a log, not in PostgreSQL's
  // data files, not in `boutique config` unless asked).
  void expect_private_state(const core::Result& up) {
    const mode_t shared = ::geteuid() == 0 ? 0711 : 0700;  // postgres, nginx workers traverse
    EXPECT_EQ(mode_of(state_), shared);
    EXPECT_EQ(mode_of(state_ / "web"), shared);
    for (const char* dir : {"secrets", "logs", "run"})
      EXPECT_EQ(mode_of(state_ / dir), 0700u) << dir;
    for (const char* file : {"secrets/db_password", "secrets/admin_password", "logs/api.log",
                             "logs/web.log", "logs/web-access.log", "pg/postgresql.log"})
      EXPECT_EQ(mode_of(state_ / file), 0600u) << file;
    std::string db_password = core::read_text(state_ / "secrets" / "db_password").value_or("");
    while (!db_password.empty() && db_password.back() == '\n') db_password.pop_back();
    ASSERT_GE(db_password.size(), 16u);
    EXPECT_EQ((up.out + up.err).find(db_password), std::string::npos) << "`up` printed it";
    std::size_t files = 0;
    for (auto it = fs::recursive_directory_iterator(state_); it != fs::end(it); ++it) {
      if (it->path() == state_ / "secrets") it.disable_recursion_pending();
      if (!it->is_regular_file()) continue;
      ++files;
      const std::string text = core::read_text(it->path()).value_or("");
      EXPECT_EQ(text.find(db_password), std::string::npos) << "database password in " << it->path();
      EXPECT_EQ(text.find(password_), std::string::npos) << "admin password in " << it->path();
    }
    EXPECT_GT(files, 100u) << "PostgreSQL's data directory was scanned too";
    auto config = run({"config"});
    EXPECT_EQ(config.out.find(db_password), std::string::npos) << "boutique config shows it";
    EXPECT_EQ(config.out.find(password_), std::string::npos) << "boutique config shows it";
    // Not through run(): that would print the password into the test's own log.
    auto shown = runner_.run({{BOUTIQUE_CLI, "config", "--show-secrets"}, env_, root_, 60s, {}});
    EXPECT_NE(shown.out.find(db_password), std::string::npos) << "--show-secrets shows it";
  }

  core::PosixProcessRunner runner_;
  fs::path base_, root_, state_;
  int api_port_ = 0, web_port_ = 0, db_port_ = 0;
  std::string password_;
  std::map<std::string, std::string> env_;
};

}  // namespace

TEST_F(E2E, PortTakenFailsClearlyAndRollsBack) {
  // Occupy the web port: PostgreSQL and the API start, nginx cannot, everything is rolled back.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(web_port_));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  auto r = run({"up"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("port " + std::to_string(web_port_)), std::string::npos);
  EXPECT_NE(r.err.find("pid " + std::to_string(::getpid())),
            std::string::npos);  // names the holder
  EXPECT_NE(r.err.find("rolling back"), std::string::npos);
  for (const auto& [name, pid] : pids())
    EXPECT_FALSE(core::process_alive(pid)) << name << " left running";
  ::close(fd);
}

TEST_F(E2E, FullLifecycle) {
  // up -> status 0
  auto up = run({"up"});
  ASSERT_EQ(up.exit_code, 0);
  EXPECT_NE(up.out.find("admin@boutique.local / " + password_), std::string::npos);
  auto st = run({"status", "-o", "json", "--junit", (base_ / "status.xml").string()});
  ASSERT_EQ(st.exit_code, 0);
  auto sj = json::parse(st.out);
  EXPECT_TRUE(sj["ok"].get<bool>());
  EXPECT_GE(sj["checks"].size(), 12u);
  EXPECT_NE(core::read_text(base_ / "status.xml").value_or("").find("<testsuite"),
            std::string::npos);

  expect_private_state(up);

  // the API and the web port answer
  auto info = core::http_get(url(api_port_, "/api/info"));
  ASSERT_EQ(info.status, 200) << info.describe();
  EXPECT_TRUE(json::parse(info.body).contains("database"));
  auto page = core::http_get(url(web_port_, "/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Ma Boutique"), std::string::npos);
  auto spa = core::http_get(url(web_port_, "/produits/42"));  // SPA fallback
  EXPECT_EQ(spa.status, 200);
  auto via_web = core::http_get(url(web_port_, "/api/produits"));
  EXPECT_EQ(via_web.status, 200);
  EXPECT_TRUE(json::parse(via_web.body).is_array());

  // /api/auth/ and registrations through nginx are limited per address (10/s, bursts of 20): 40
  // quick requests from 8 clients (GET /api/auth/moi without a token: a 401 that costs the API
  // nothing, so that only nginx's limit can refuse) get some 429 problems with Retry-After; the
  // same burst straight to the API gets none; reads through nginx are not limited.
  const auto burst = [&](int port) {
    std::map<long, int> statuses;
    std::mutex mutex;
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c)
      clients.emplace_back([&] {
        core::HttpClient client;
        for (int i = 0; i < 5; ++i) {
          const auto r = client.send({"GET", url(port, "/api/auth/moi"), {}, {}, 10s, {}});
          std::lock_guard lock(mutex);
          ++statuses[r.status];
          if (r.status == 429) {
            EXPECT_EQ(r.header("Retry-After").value_or(""), "1");
            EXPECT_EQ(r.content_type, "application/problem+json");
            EXPECT_EQ(json::parse(r.body)["status"], 429) << r.body;
          }
        }
      });
    for (auto& t : clients) t.join();
    return statuses;
  };
  const auto via_nginx = burst(web_port_);
  EXPECT_GT(via_nginx.count(429) ? via_nginx.at(429) : 0, 0) << "nginx did not limit the burst";
  const auto direct = burst(api_port_);
  EXPECT_EQ(direct.count(429), 0U) << "the API itself does not limit by address";
  for (int i = 0; i < 40; ++i)
    ASSERT_EQ(core::http_get(url(web_port_, "/api/produits")).status, 200) << "read " << i;

  // create a product as admin
  auto login =
      core::http_request({"POST",
                          url(api_port_, "/api/auth/login"),
                          json{{"email", "admin@boutique.local"}, {"password", password_}}.dump(),
                          {{"Content-Type", "application/json"}},
                          5s,
                          {}});
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token = json::parse(login.body)["token"];
  const std::string nom = "Produit e2e " + core::random_secret(6);
  auto created = core::http_request(
      {"POST",
       url(api_port_, "/api/produits"),
       json{{"nom", nom}, {"categorie", "Tests"}, {"prix", "12.34"}, {"stock", 5}}.dump(),
       {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}},
       5s,
       {}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = json::parse(created.body)["id"].dump();

  // down -> up -> the product is still there
  auto before = pids();
  ASSERT_EQ(run({"down"}).exit_code, 0);
  for (const auto& [name, pid] : before) EXPECT_FALSE(core::process_alive(pid)) << name;
  ASSERT_EQ(run({"up"}).exit_code, 0);
  auto again = core::http_get(url(api_port_, "/api/produits/" + id));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["nom"], nom);

  // kill the API -> status 1 naming it -> up restarts only the API
  auto running = pids();
  ASSERT_EQ(running.size(), 3u);
  ::kill(running["api"], SIGKILL);
  ASSERT_TRUE(wait_gone(running["api"], 10s));
  auto bad = run({"status"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("api        process"), std::string::npos) << bad.out;
  auto bj = json::parse(run({"status", "-o", "json"}).out);
  bool api_named = false;
  for (const auto& c : bj["checks"])
    if (!c["ok"].get<bool>()) {
      EXPECT_TRUE(c["component"] == "api" || c["check"] == "proxy /api/info") << c.dump();
      api_named |= c["component"] == "api" && c["check"] == "process";
    }
  EXPECT_TRUE(api_named);
  auto restart = run({"up"});
  ASSERT_EQ(restart.exit_code, 0);
  EXPECT_NE(restart.out.find("Started: api."), std::string::npos) << restart.out;
  auto after = pids();
  EXPECT_EQ(after["db"], running["db"]);
  EXPECT_EQ(after["web"], running["web"]);
  EXPECT_NE(after["api"], running["api"]);
  EXPECT_EQ(run({"status"}).exit_code, 0);

  // idempotent: nothing to do
  auto noop = run({"up"});
  EXPECT_EQ(noop.exit_code, 0);
  EXPECT_NE(noop.out.find("nothing changed"), std::string::npos);

  // down --volumes --yes: nothing left
  ASSERT_EQ(run({"down", "--volumes", "--yes"}).exit_code, 0);
  for (const auto& [name, pid] : after) EXPECT_FALSE(core::process_alive(pid)) << name;
  EXPECT_FALSE(fs::exists(state_));
}

// issue 17: backup, then a new empty stack (down --volumes, up), then restore: the customer logs
// in and finds the order. Refusals (not an archive, a truncated one, a newer schema, no
// confirmation) change nothing; an older archive is migrated.
TEST_F(E2E, BackupRestoreRoundTrip) {
  ASSERT_EQ(run({"up"}).exit_code, 0);
  std::string email = "client-" + core::random_secret(8) + "@example.com";
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string pw = "mot-de-passe-" + core::random_secret(8);
  ASSERT_EQ(
      call("POST", "/api/utilisateurs", {{"nom", "Client"}, {"email", email}, {"password", pw}})
          .status,
      201);
  std::string token = login(email, pw);
  ASSERT_FALSE(token.empty());
  auto catalogue = json::parse(core::http_get(url(api_port_, "/api/produits")).body);
  ASSERT_FALSE(catalogue.empty());
  const auto order = call(
      "POST", "/api/commandes",
      {{"lignes", json::array({{{"produit_id", catalogue[0]["id"]}, {"quantite", 1}}})}}, token);
  ASSERT_EQ(order.status, 201) << order.body;
  const auto order_id = json::parse(order.body)["id"];
  const std::string admin = login("admin@boutique.local", password_);
  const std::string nom = "Sauvegarde " + core::random_secret(6);
  ASSERT_EQ(call("POST", "/api/produits",
                 {{"nom", nom}, {"categorie", "Tests"}, {"prix", "9.99"}, {"stock", 3}}, admin)
                .status,
            201);

  // An archive of a schema newer than this API's.
  const int latest = probes::latest_migration(BOUTIQUE_SOURCE_DIR);
  ASSERT_EQ(psql("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')").exit_code,
            0);
  const fs::path future = base_ / "future.dump";
  auto fb = run({"backup", future.string()});
  ASSERT_EQ(fb.exit_code, 0);
  EXPECT_NE(fb.out.find("schema        v999"), std::string::npos) << fb.out;
  EXPECT_NE(fb.out.find("commandes     "), std::string::npos) << fb.out;
  ASSERT_EQ(psql("DELETE FROM schema_migrations WHERE version = 999").exit_code, 0);

  // The archive, under its default name in the current directory, private, complete.
  const auto t0 = std::chrono::steady_clock::now();
  auto b = run({"backup", "-o", "json"});
  const auto backup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(b.exit_code, 0);
  const auto bj = json::parse(b.out);
  const fs::path dump = bj["file"].get<std::string>();
  EXPECT_EQ(dump.parent_path(), root_);
  EXPECT_TRUE(std::regex_match(
      dump.filename().string(),
      std::regex(fmt::format("boutique-local-[0-9]{{8}}T[0-9]{{4}}Z-v{:03d}\\.dump", latest))))
      << dump;
  EXPECT_EQ(mode_of(dump), 0600u);
  EXPECT_EQ(bj["bytes"].get<std::uintmax_t>(), fs::file_size(dump));
  EXPECT_EQ(bj["migration"], latest);
  EXPECT_EQ(bj["rows"]["commandes"], 1);
  EXPECT_GE(bj["rows"]["utilisateurs"].get<int>(), 2);
  EXPECT_GE(bj["rows"]["produits"].get<std::size_t>(), catalogue.size() + 1);
  for (const auto& e : fs::directory_iterator(root_))
    EXPECT_EQ(e.path().filename().string().find(".boutique-backup-"), std::string::npos)
        << "partial file left: " << e.path();
  std::cerr << "backup: " << fs::file_size(dump) << " bytes in " << backup_s << " s\n";

  // A new, empty shop.
  ASSERT_EQ(run({"down", "--volumes", "--yes"}).exit_code, 0);
  ASSERT_EQ(run({"up"}).exit_code, 0);
  long status = 0;
  EXPECT_TRUE(login(email, pw, &status).empty());
  EXPECT_EQ(status, 401);
  const auto list_before = core::http_get(url(api_port_, "/api/produits?par_page=100")).body;
  EXPECT_EQ(list_before.find(nom), std::string::npos);

  // Refused, nothing changed: not an archive, a truncated one, a newer schema, not confirmed.
  const fs::path junk = base_ / "junk.dump";
  core::write_text(junk, "PGDMP? no, just text\n", fs::perms(0600));
  auto bad = run({"restore", junk.string(), "--yes"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is not a pg_dump custom-format archive"), std::string::npos) << bad.err;
  const fs::path cut = base_ / "cut.dump";
  core::write_text(cut, core::read_text(dump).value().substr(0, fs::file_size(dump) / 2),
                   fs::perms(0600));
  auto truncated = run({"restore", cut.string(), "--yes"});
  EXPECT_NE(truncated.exit_code, 0);
  EXPECT_NE(truncated.exit_code, 70);
  auto newer = run({"restore", future.string(), "--yes"});
  EXPECT_EQ(newer.exit_code, 3);
  EXPECT_NE(newer.err.find("schema v999, newer than the " + fmt::format("v{:03d}", latest)),
            std::string::npos)
      << newer.err;
  auto unconfirmed = run({"restore", dump.string()});  // stdin is not a terminal
  EXPECT_EQ(unconfirmed.exit_code, 8);
  EXPECT_NE(unconfirmed.err.find("--yes"), std::string::npos);
  EXPECT_TRUE(login(email, pw, &status).empty());
  EXPECT_EQ(status, 401) << "a refused restore changed the data";

  // Restored: the customer logs in and finds the order; the catalogue shows the product at once.
  // The list is cached (at most ListCache::kMaxAge, 1 s) just before the restore: the NOTIFY the
  // restore commits must drop it well before that age (delivered asynchronously: polled 0.5 s).
  const auto list_url = url(api_port_, "/api/produits?par_page=100");
  ASSERT_EQ(core::http_get(list_url).body.find(nom), std::string::npos);
  const auto t1 = std::chrono::steady_clock::now();
  auto restored = run({"restore", dump.string(), "--yes"});
  const auto restore_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  ASSERT_EQ(restored.exit_code, 0);
  std::cerr << "restore: " << restore_s << " s\n";
  bool listed = false;
  for (const auto until = std::chrono::steady_clock::now() + 500ms;
       !listed && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(10ms))
    listed = core::http_get(list_url).body.find(nom) != std::string::npos;
  EXPECT_TRUE(listed) << "the API's product list cache was not invalidated";
  token = login(email, pw, &status);
  ASSERT_FALSE(token.empty()) << status;
  const auto orders = call("GET", "/api/commandes", nullptr, token);
  ASSERT_EQ(orders.status, 200);
  const auto list = json::parse(orders.body);
  ASSERT_EQ(list.size(), 1u) << orders.body;
  EXPECT_EQ(list[0]["id"], order_id);
  EXPECT_EQ(run({"status"}).exit_code, 0);

  // An archive of an older schema (the latest migration undone by hand): restored over the
  // newer tables, then migrated.
  ASSERT_EQ(latest, 6) << "a new migration: undo it below instead of 006";
  ASSERT_EQ(psql("DROP TABLE tentatives_connexion, appareils; "
                 "COMMENT ON COLUMN utilisateurs.echecs_connexion IS NULL; "
                 "COMMENT ON COLUMN utilisateurs.dernier_echec IS NULL; "
                 "DELETE FROM schema_migrations WHERE version = 6")
                .exit_code,
            0);
  const fs::path old = base_ / "old.dump";
  ASSERT_EQ(run({"backup", old.string()}).exit_code, 0);
  ASSERT_EQ(run({"restore", dump.string(), "--yes"}).exit_code, 0);
  auto migrated = run({"restore", old.string(), "--yes"});
  ASSERT_EQ(migrated.exit_code, 0);
  EXPECT_NE(migrated.out.find(fmt::format("schema v005, migrated to v{:03d}", latest)),
            std::string::npos)
      << migrated.out;
  auto info = json::parse(core::http_get(url(api_port_, "/api/info")).body);
  EXPECT_EQ(info["database"]["migration_version"], latest);
  EXPECT_FALSE(login(email, pw).empty());
  EXPECT_EQ(run({"status"}).exit_code, 0);
}
