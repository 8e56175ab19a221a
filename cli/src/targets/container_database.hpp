#pragma once
// The stack's database when it runs in a container of the official postgres image (compose's db
// service, the k8s target's database pod): backup and restore through that container's own
// pg_dump, pg_restore and psql, reached by the target's exec (`compose exec -T`, `kubectl exec`),
// the archive streamed through the exec's stdin and stdout — nothing is written in the container.
// The image's local socket trusts its users, so no password travels; user and database are the
// container's POSTGRES_USER and POSTGRES_DB. A target provides the exec, how to find the running
// container (attach) and how to run the API's migrations.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/process.hpp"
#include "targets/database.hpp"

namespace boutique::targets {

class ContainerDatabase : public Database {
 public:
  explicit ContainerDatabase(std::filesystem::path root) : root_(std::move(root)) {}

  void dump_to(const std::filesystem::path& file) override;
  ArchiveText read_archive(const std::filesystem::path& file,
                           const std::vector<std::string>& tables) override;
  // The newest migration of this checkout (the API in a container is not asked).
  int expected_migration() override;
  // One psql transaction: DROP SCHEMA public CASCADE (not DROP OWNED: the image's POSTGRES_USER is
  // the cluster's bootstrap superuser, whose objects the system requires), the archive's SQL,
  // NOTIFY produits_changed.
  void replace_with(const std::filesystem::path& file) override;

 protected:
  // ARGS run in the database's container, `input` on its stdin.
  virtual core::Result exec_db(const std::vector<std::string>& args, std::chrono::seconds timeout,
                               std::string input) = 0;
  // "pod db-x" / "service db": where, in messages.
  virtual std::string container() const = 0;
  // Reads POSTGRES_USER and POSTGRES_DB in the container (attach calls it once it found one).
  void read_identity();

 private:
  std::filesystem::path root_;
  std::string user_, database_;
};

}  // namespace boutique::targets
