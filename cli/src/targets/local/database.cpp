#include "targets/local/database.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/http.hpp"
#include "probes/stack.hpp"
#include "state/state_dir.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets::local {

LocalDatabase::LocalDatabase(core::Context& ctx, const Layout& layout, Postgres& db, const Api& api)
    : ctx_(ctx), layout_(layout), db_(db), api_(api) {}

void LocalDatabase::attach() {
  if (!db_.pid())
    throw core::MissingPrerequisite(
        fmt::format("the local stack's database is not running (state dir {})",
                    layout_.state.string()),
        "boutique up");
  lock_.emplace(layout_.lock(), layout_.state.string());
}

std::string LocalDatabase::password() const {
  auto pw = state::read_secret(layout_.secrets() / "db_password");
  if (!pw)
    throw core::MissingPrerequisite(
        fmt::format("no database password in {}", (layout_.secrets() / "db_password").string()),
        "boutique up");
  return *pw;
}

core::Command LocalDatabase::client(const std::string& program, std::vector<std::string> args,
                                    std::chrono::seconds timeout, std::string input) const {
  std::vector<std::string> argv{(db_.bindir() / program).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  // Only what we set reaches libpq: an inherited PGHOST, PGOPTIONS or PGSERVICE could point
  // elsewhere or change the session.
  return {argv,
          {{"PGPASSWORD", password()}, {"PGCONNECT_TIMEOUT", "5"}},
          {},
          timeout,
          std::move(input),
          {"PG*"}};
}

void LocalDatabase::dump_to(const fs::path& file) {
  const auto cmd = client("pg_dump",
                          {"-Fc", "-w", "-h", "127.0.0.1", "-p", std::to_string(db_.port()), "-U",
                           ctx_.config.str("database.user"), "-d", ctx_.config.str("database.name"),
                           "-f", file.string()},
                          3600s);
  const auto r = ctx_.runner->run(cmd);
  if (!r.ok())
    throw core::CommandFailed(fmt::format("pg_dump failed: {}", first_error(r)),
                              "see `boutique logs db`");
}

ArchiveText LocalDatabase::read_archive(const fs::path& file,
                                        const std::vector<std::string>& tables) {
  std::vector<std::string> args{"--data-only", "-f", "-"};
  for (const auto& t : tables) args.insert(args.end(), {"-t", t});
  args.push_back(file.string());
  const auto r = ctx_.runner->run(client("pg_restore", args, 600s));
  if (!r.ok()) return {false, {}, first_error(r)};
  return {true, r.out, {}};
}

int LocalDatabase::expected_migration() {
  const auto info = core::http_get(api_.base_url() + "/api/info", 3s);
  if (info.ok())
    if (const auto report = probes::migration_report(info.body); report && report->want > 0)
      return report->want;
  return probes::latest_migration(layout_.root);
}

void LocalDatabase::replace_with(const fs::path& file) {
  // The archive as SQL, without owners or grants: every object is created by the role that runs
  // the script, whatever role made the archive (another target's).
  const auto script = ctx_.runner->run(
      client("pg_restore", {"--no-owner", "--no-privileges", "-f", "-", file.string()}, 600s));
  if (!script.ok())
    throw core::CommandFailed(
        fmt::format("pg_restore could not read {}: {}", file.string(), first_error(script)));
  // One transaction (psql --single-transaction, stopping at the first error): drop what the role
  // owns — every table, sequence and function of the shop, including those of migrations newer
  // than the archive — recreate it from the archive, and NOTIFY the API's change listener,
  // delivered at the commit. A lock held too long by someone else fails the restore instead of
  // waiting behind it.
  std::string sql = restore_transaction(
      "DROP OWNED BY CURRENT_USER;\nCREATE SCHEMA IF NOT EXISTS public;\n", script.out);
  const auto r = ctx_.runner->run(
      client("psql",
             {"-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-h", "127.0.0.1", "-p",
              std::to_string(db_.port()), "-U", ctx_.config.str("database.user"), "-d",
              ctx_.config.str("database.name"), "-w", "-f", "-"},
             3600s, std::move(sql)));
  if (!r.ok())
    throw core::CommandFailed(
        fmt::format("restore failed, nothing changed (its transaction was rolled back): {}",
                    first_error(r)),
        fmt::format("see {} for the server's side", layout_.pg_log().string()));
}

void LocalDatabase::migrate() {
  const std::vector<std::string> argv{api_.binary().string(), "migrate"};
  const core::Command cmd{argv,
                          {{"DATABASE_URL", db_.url(password())},
                           {"BOUTIQUE_SEED_DEMO", "0"},
                           {"BOUTIQUE_LOG_FORMAT", "text"}},
                          {},
                          120s,
                          {},
                          {"BOUTIQUE_*", "PG*", "DATABASE_URL"}};
  const auto r = ctx_.runner->run(cmd);
  if (!r.ok())
    throw core::CommandFailed(
        fmt::format("the archive is restored, but its migrations failed: {}",
                    core::tail_lines(r.err + r.out, 3)),
        "fix the cause, then `boutique down` and `boutique up`: the API applies pending "
        "migrations when it starts");
}

}  // namespace boutique::targets::local
