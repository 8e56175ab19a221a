#pragma once
// PostgreSQL for the local target: a private cluster (initdb on first run), on its own port and
// socket dir, run as the unprivileged `postgres` user when boutique runs as root.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"
#include "targets/local/layout.hpp"

namespace boutique::targets::local {

// The newest /usr/lib/postgresql/<v>/bin holding initdb, else `pg_config --bindir`; empty if none.
std::filesystem::path find_pg_bindir(core::ProcessRunner& runner);

class Postgres {
 public:
  Postgres(core::Context& ctx, Layout& layout);

  std::optional<pid_t> pid() const;  // the running postmaster, if any
  // Directories, ownership, reachability (may move pg home), initdb on first run.
  void prepare();
  // Port check, then pg_ctl start -w. Throws ConflictError when the port is taken.
  void start(std::chrono::seconds timeout);
  // Role and database from the configuration, with `password`; idempotent.
  void ensure_database(const std::string& password);
  void stop(std::chrono::milliseconds grace);
  std::vector<core::Check> checks();

  int port() const;
  std::string url(const std::string& password) const;  // DATABASE_URL for the API
  const std::filesystem::path& bindir();

 private:
  std::vector<std::string> as_owner(std::vector<std::string> argv) const;
  void write_settings();

  core::Context& ctx_;
  Layout& layout_;
  std::filesystem::path bindir_;
};

}  // namespace boutique::targets::local
