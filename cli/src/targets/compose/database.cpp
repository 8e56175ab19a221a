// `boutique backup` / `restore` on the compose target: the db service's own client programs
// through `compose exec -T db` (targets/container_database.hpp), the API's migrations through
// `compose exec -T backend`, while holding the compose state's lock (no `up` or `down`
// meanwhile).
#include <optional>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "targets/compose/compose_target.hpp"
#include "targets/container_database.hpp"

using namespace std::chrono_literals;

namespace boutique::targets::compose {

class ServiceDatabase final : public ContainerDatabase {
 public:
  explicit ServiceDatabase(ComposeTarget& target)
      : ContainerDatabase(target.ctx_.config.root()), target_(target) {}

  std::string describe() const override {
    return fmt::format("the compose stack's database (project {})",
                       project_name(target_.ctx_.config));
  }

  void attach() override {
    const auto not_running = [this] {
      return core::MissingPrerequisite(fmt::format("the compose stack's database is not running "
                                                   "(project {})",
                                                   project_name(target_.ctx_.config)),
                                       "boutique up --target compose");
    };
    if (!std::filesystem::exists(target_.dir_)) throw not_running();
    lock_.emplace(target_.dir_ / "lock", target_.dir_.string());
    bool started = false;
    target_.connect(false, started);  // podman's socket of a running stack, never a new one
    if (target_.engine() == images::EngineKind::podman && target_.docker_host_.empty())
      throw not_running();
    try {
      read_identity();
    } catch (const core::CommandFailed&) {
      throw not_running();
    }
  }

  void migrate() override {
    // In the backend service, with its configuration; no demo data into a restored shop.
    auto r = target_.compose({"exec", "-T", "backend", "env", "BOUTIQUE_SEED_DEMO=0",
                              "/usr/local/bin/boutique-api", "migrate"},
                             180s);
    if (!r.ok())
      throw core::CommandFailed(
          fmt::format("the archive is restored, but its migrations failed: {}",
                      core::tail_lines(r.err + r.out, 3)),
          "fix the cause, then `boutique down --target compose` and `boutique up --target "
          "compose`: the API applies pending migrations when it starts");
  }

 protected:
  core::Result exec_db(const std::vector<std::string>& args, std::chrono::seconds timeout,
                       std::string input) override {
    std::vector<std::string> argv = {"exec", "-T", "db"};
    argv.insert(argv.end(), args.begin(), args.end());
    return target_.compose(argv, timeout, false, std::move(input));
  }
  std::string container() const override { return "service db"; }

 private:
  ComposeTarget& target_;
  std::optional<core::FileLock> lock_;
};

std::unique_ptr<Database> ComposeTarget::database() {
  return std::make_unique<ServiceDatabase>(*this);
}

}  // namespace boutique::targets::compose
