#include "targets/local/postgres.hpp"

#include <signal.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/pids.hpp"
#include "core/ports.hpp"
#include "core/users.hpp"
#include "targets/local/start_wait.hpp"
#include "targets/local/status_rows.hpp"
#include "targets/local/urls.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets::local {
namespace {

constexpr const char* kOwner = "postgres";

std::string sql_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string conf_path(const fs::path& p) {
  return sql_literal(p.string());
}

}  // namespace

fs::path find_pg_bindir(core::ProcessRunner& runner) {
  std::vector<fs::path> cands;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(e.path() / "bin" / "initdb")) cands.push_back(e.path() / "bin");
  std::sort(cands.begin(), cands.end(), [](const fs::path& a, const fs::path& b) {
    auto va = std::stoi("0" + a.parent_path().filename().string());
    auto vb = std::stoi("0" + b.parent_path().filename().string());
    return va > vb;
  });
  if (!cands.empty()) return cands.front();
  if (!core::find_program("pg_config").empty()) {
    auto r = runner.run({{"pg_config", "--bindir"}, {}, {}, 5s, {}});
    std::string dir = r.out.substr(0, r.out.find('\n'));
    if (r.ok() && fs::exists(fs::path(dir) / "initdb")) return dir;
  }
  return {};
}

Postgres::Postgres(core::Context& ctx, Layout& layout) : ctx_(ctx), layout_(layout) {}

const fs::path& Postgres::bindir() {
  if (bindir_.empty()) bindir_ = find_pg_bindir(*ctx_.runner);
  if (bindir_.empty())
    throw core::MissingPrerequisite(
        "PostgreSQL server binaries not found (no initdb under "
        "/usr/lib/postgresql/*/bin)",
        "apt-get install postgresql-15  (or: make deps)");
  return bindir_;
}

int Postgres::port() const {
  return ctx_.config.integer("ports.db");
}

std::string Postgres::url(const std::string& password) const {
  return fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}?connect_timeout=5",
                     ctx_.config.str("database.user"), password, port(),
                     ctx_.config.str("database.name"));
}

std::vector<std::string> Postgres::as_owner(std::vector<std::string> argv) const {
  if (!core::is_root()) return argv;
  argv.insert(argv.begin(), {"runuser", "-u", kOwner, "--"});
  return argv;
}

std::optional<pid_t> Postgres::pid() const {
  auto p = core::read_pid_file(layout_.pg_data() / "postmaster.pid");
  if (p && core::process_alive(*p) && core::process_matches(*p, "postgres")) return p;
  return std::nullopt;
}

void Postgres::prepare() {
  const bool root = core::is_root();
  std::optional<core::UserInfo> owner;
  if (root) {
    owner = core::lookup_user(kOwner);
    if (!owner)
      throw core::MissingPrerequisite(
          "running as root, PostgreSQL needs the unprivileged 'postgres' user, which does not "
          "exist",
          "apt-get install postgresql-15 (creates it), or run boutique as a normal user");
    // Every parent of the state dir must be traversable by `postgres`; otherwise keep the cluster
    // in /var/lib/boutique and say so.
    if (!layout_.pg_external) {
      auto r = ctx_.runner->run(
          {{"runuser", "-u", kOwner, "--", "test", "-x", layout_.state.string()}, {}, {}, 10s, {}});
      if (!r.ok()) {
        fs::path blocker = layout_.state;
        for (fs::path p = layout_.state; p != p.root_path(); p = p.parent_path()) {
          auto st = fs::status(p).permissions();
          if ((st & fs::perms::others_exec) == fs::perms::none) blocker = p;
        }
        layout_.relocate_pg_home();
        ctx_.progress->warn(fmt::format(
            "user 'postgres' cannot reach {} ({} is not traversable by others): PostgreSQL's data "
            "lives in {} instead (`boutique down --volumes` removes it too). To keep it in the "
            "state dir: chmod o+x {}, or set state_dir to a reachable place.",
            layout_.state.string(), blocker.string(), layout_.pg_home.string(), blocker.string()));
      }
    }
  }
  fs::create_directories(layout_.pg_sock());
  fs::permissions(layout_.pg_home, fs::perms::owner_all | fs::perms::group_read |
                                       fs::perms::group_exec | fs::perms::others_exec);
  if (root) core::chown_recursive(layout_.pg_home, owner->uid, owner->gid);

  if (layout_.pg_sock().string().size() + 20 > 107)
    throw core::ConfigError(fmt::format("socket path {} is too long for a unix socket (max 107)",
                                        layout_.pg_sock().string()),
                            "use a shorter state_dir");

  const fs::path version_file = layout_.pg_data() / "PG_VERSION";
  if (fs::exists(version_file)) {
    std::string v = core::read_text(version_file).value_or("");
    v.erase(std::remove(v.begin(), v.end(), '\n'), v.end());
    std::string have = bindir().parent_path().filename().string();
    if (v != have)
      throw core::MissingPrerequisite(
          fmt::format("the data in {} was created by PostgreSQL {}, but the binaries found are {}",
                      layout_.pg_data().string(), v, have),
          fmt::format("install postgresql-{} or start afresh with `boutique down --volumes`", v));
    return;
  }
  auto step = ctx_.progress->step("Initialising PostgreSQL cluster (first run)");
  std::vector<std::string> argv =
      as_owner({(bindir() / "initdb").string(), "-D", layout_.pg_data().string(), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
                "--no-instructions"});
  core::require_ok(ctx_.runner->run({argv, {}, {}, 120s, {}}), argv,
                   "see the output above; `boutique doctor` checks the installation");
  // Our settings live in boutique.conf, rewritten at every start (ports may change).
  auto conf = core::read_text(layout_.pg_data() / "postgresql.conf").value_or("");
  core::write_text(layout_.pg_data() / "postgresql.conf",
                   conf + "\n# added by boutique\ninclude_if_exists = 'boutique.conf'\n",
                   fs::perms(0600));
  if (root) core::chown_recursive(layout_.pg_data(), owner->uid, owner->gid);
  step.done(layout_.pg_data().string());
}

void Postgres::write_settings() {
  std::string conf = fmt::format(
      "# written by `boutique up` at every start: edit boutique.yaml instead\n"
      "port = {}\n"
      "listen_addresses = '127.0.0.1'\n"
      "unix_socket_directories = {}\n"
      "unix_socket_permissions = 0700\n"
      "max_connections = 100\n"
      "logging_collector = off\n",
      port(), conf_path(layout_.pg_sock()));
  fs::path p = layout_.pg_data() / "boutique.conf";
  core::write_text(p, conf, fs::perms(0600));
  if (core::is_root())
    if (auto o = core::lookup_user(kOwner)) core::chown_recursive(p, o->uid, o->gid);
}

void Postgres::start(std::chrono::seconds timeout) {
  if (!core::port_free("127.0.0.1", port())) {
    std::string owner = core::port_owner(port());
    throw core::ConflictError(
        fmt::format("port {} (ports.db, PostgreSQL) is already in use{}", port(),
                    owner.empty() ? "" : " by " + owner),
        "stop that program, or choose another port: ports.db in boutique.yaml or "
        "BOUTIQUE_DB_PORT");
  }
  write_settings();
  auto step = ctx_.progress->step(fmt::format("Starting PostgreSQL on 127.0.0.1:{}", port()));
  std::vector<std::string> argv =
      as_owner({(bindir() / "pg_ctl").string(), "-D", layout_.pg_data().string(), "-l",
                layout_.pg_log().string(), "-w", "-t", std::to_string(timeout.count()), "start"});
  auto r = ctx_.runner->run({argv, {}, {}, timeout + 5s, {}});
  if (!r.ok()) {
    std::string log = core::tail_lines(core::read_text(layout_.pg_log()).value_or(""), 10);
    step.fail(r.describe());
    throw core::CommandFailed(fmt::format("PostgreSQL did not start ({}). Last lines of {}:\n{}",
                                          r.describe(), layout_.pg_log().string(), log),
                              "fix the cause above, then run `boutique up` again");
  }
  step.done(fmt::format("pid {}", pid().value_or(0)));
}

void Postgres::ensure_database(const std::string& password) {
  const std::string user = ctx_.config.str("database.user");
  const std::string db = ctx_.config.str("database.name");
  // Names are validated identifiers (config); the password goes through stdin, never argv, and
  // this session logs no statement, even a failing one (the server log would show the password).
  std::string sql = fmt::format(
      "SET log_statement = 'none';\nSET log_min_error_statement = 'panic';\n"
      "SET log_min_duration_statement = -1;\n"
      "SELECT format('CREATE ROLE %I LOGIN', {0}) WHERE NOT EXISTS "
      "(SELECT 1 FROM pg_roles WHERE rolname = {0})\\gexec\n"
      "ALTER ROLE {1} WITH LOGIN PASSWORD {2};\n"
      "SELECT format('CREATE DATABASE %I OWNER %I', {3}, {0}) WHERE NOT EXISTS "
      "(SELECT 1 FROM pg_database WHERE datname = {3})\\gexec\n",
      sql_literal(user), user, sql_literal(password), sql_literal(db));
  std::vector<std::string> argv =
      as_owner({(bindir() / "psql").string(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
                layout_.pg_sock().string(), "-p", std::to_string(port()), "-U", "postgres", "-d",
                "postgres"});
  core::Command cmd{argv, {}, {}, 30s, sql};
  core::require_ok(ctx_.runner->run(cmd), argv,
                   fmt::format("see {} for the server's side", layout_.pg_log().string()));
}

void Postgres::stop(std::chrono::milliseconds grace) {
  auto p = pid();
  if (!p) return;
  // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, checkpoint, exit.
  if (!core::stop_process(*p, SIGINT, grace))
    throw core::TimeoutError(fmt::format("PostgreSQL (pid {}) did not stop", *p));
}

std::vector<core::Check> Postgres::checks() {
  std::vector<core::Check> out;
  bool listening = add_process_and_port(out, "db", "postgres", pid(), "127.0.0.1", port(),
                                        "run `boutique up`; see `boutique logs db`");
  fs::path isready =
      bindir_.empty() ? find_pg_bindir(*ctx_.runner) / "pg_isready" : bindir_ / "pg_isready";
  bool accepting = false;
  std::string detail = "not checked (port closed)";
  if (listening) {
    auto r =
        ctx_.runner->run({{isready.string(), "-q", "-h", "127.0.0.1", "-p", std::to_string(port()),
                           "-d", ctx_.config.str("database.name"), "-t", "3"},
                          {},
                          {},
                          5s,
                          {}});
    accepting = r.ok();
    detail = accepting ? "accepting connections" : "pg_isready: " + r.describe();
  }
  out.push_back({"db", "connections", accepting, detail, "see `boutique logs db`"});
  return out;
}

}  // namespace boutique::targets::local
