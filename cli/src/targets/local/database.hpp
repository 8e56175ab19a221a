#pragma once
// `backup` and `restore` on the local target: pg_dump, pg_restore and psql of the local cluster's
// bin dir, over TCP to 127.0.0.1:ports.db as the application's role (database.user) — so that
// what is restored stays owned by it — with its password (<state>/secrets/db_password) in
// PGPASSWORD, never in an argument.
#include <optional>

#include "core/context.hpp"
#include "core/files.hpp"
#include "targets/database.hpp"
#include "targets/local/api.hpp"
#include "targets/local/layout.hpp"
#include "targets/local/postgres.hpp"

namespace boutique::targets::local {

class LocalDatabase final : public Database {
 public:
  LocalDatabase(core::Context& ctx, const Layout& layout, Postgres& db, const Api& api);
  std::string describe() const override { return "the local stack's database"; }
  void attach() override;
  void dump_to(const std::filesystem::path& file) override;
  ArchiveText read_archive(const std::filesystem::path& file,
                           const std::vector<std::string>& tables) override;
  int expected_migration() override;
  void replace_with(const std::filesystem::path& file) override;
  void migrate() override;

 private:
  // A client program of the cluster's bin dir, connected as the application's role.
  core::Command client(const std::string& program, std::vector<std::string> args,
                       std::chrono::seconds timeout, std::string input = {}) const;
  std::string password() const;

  core::Context& ctx_;
  const Layout& layout_;
  Postgres& db_;
  const Api& api_;
  std::optional<core::FileLock> lock_;
};

}  // namespace boutique::targets::local
