#include "targets/container_database.hpp"

#include <fstream>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "probes/stack.hpp"

using namespace std::chrono_literals;

namespace boutique::targets {
namespace {

std::string read_archive_bytes(const std::filesystem::path& file) {
  auto bytes = core::read_text(file);  // binary-safe
  if (!bytes) throw core::CommandFailed(fmt::format("cannot read {}", file.string()));
  return std::move(*bytes);
}

}  // namespace

void ContainerDatabase::read_identity() {
  auto env = exec_db({"printenv", "POSTGRES_USER", "POSTGRES_DB"}, 30s, {});
  const auto nl = env.out.find('\n');
  if (!env.ok() || nl == std::string::npos)
    throw core::CommandFailed(fmt::format("cannot read POSTGRES_USER and POSTGRES_DB in {}: {}",
                                          container(), first_error(env)));
  user_ = env.out.substr(0, nl);
  database_ = core::tail_lines(env.out.substr(nl + 1), 1);
}

void ContainerDatabase::dump_to(const std::filesystem::path& file) {
  auto r = exec_db({"pg_dump", "-Fc", "-U", user_, "-d", database_}, 3600s, {});
  if (!r.ok())
    throw core::CommandFailed(fmt::format("pg_dump in {} failed: {}", container(), first_error(r)));
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(r.out.data(), static_cast<std::streamsize>(r.out.size()));
  if (!out.flush()) throw core::CommandFailed(fmt::format("cannot write {}", file.string()));
}

ArchiveText ContainerDatabase::read_archive(const std::filesystem::path& file,
                                            const std::vector<std::string>& tables) {
  std::vector<std::string> args = {"pg_restore", "--data-only", "-f", "-"};
  for (const auto& t : tables) args.insert(args.end(), {"-t", t});
  auto r = exec_db(args, 600s, read_archive_bytes(file));
  if (!r.ok()) return {false, {}, first_error(r)};
  return {true, r.out, {}};
}

int ContainerDatabase::expected_migration() {
  return probes::latest_migration(root_);
}

void ContainerDatabase::replace_with(const std::filesystem::path& file) {
  auto script = exec_db({"pg_restore", "--no-owner", "--no-privileges", "-f", "-"}, 600s,
                        read_archive_bytes(file));
  if (!script.ok())
    throw core::CommandFailed(
        fmt::format("pg_restore could not read {}: {}", file.string(), first_error(script)));
  auto r = exec_db(
      {"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-U", user_, "-d",
       database_, "-f", "-"},
      3600s,
      restore_transaction("DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n", script.out));
  if (!r.ok())
    throw core::CommandFailed(
        fmt::format("restore failed, nothing changed (its transaction was rolled back): {}",
                    first_error(r)),
        fmt::format("the server's side: the logs of {}", container()));
}

}  // namespace boutique::targets
