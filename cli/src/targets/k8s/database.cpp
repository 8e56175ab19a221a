// `boutique backup` / `restore` on the k8s target: the database pod's own client programs through
// `kubectl exec -n NS POD -c postgres --` (targets/container_database.hpp); the API's migrations in
// a backend pod, with its configuration.
#include <fmt/format.h>

#include "core/errors.hpp"
#include "targets/container_database.hpp"
#include "targets/k8s/k8s_target.hpp"

using namespace std::chrono_literals;

namespace boutique::targets::k8s {
namespace {

class PodDatabase final : public ContainerDatabase {
 public:
  // Its own Kubectl: it may outlive the target that made it.
  PodDatabase(const std::filesystem::path& root, Kubectl kubectl)
      : ContainerDatabase(root), kubectl_(std::move(kubectl)) {}

  std::string describe() const override {
    return fmt::format("the database of namespace {} (context {})", kubectl_.ns(),
                       kubectl_.context());
  }

  void attach() override {
    kubectl_.require_reachable();
    const std::vector<std::string> args = {
        "get", "pods", "-n", kubectl_.ns(), "-l", "app.kubernetes.io/component=database",
        "-o",  "json"};
    auto r = kubectl_.run(args);
    if (!r.ok()) kubectl_.fail(r, args);
    for (const auto& p : parse_pods(r.out)) {
      bool ready = p.phase == "Running" && !p.terminating && !p.containers.empty();
      for (const auto& c : p.containers) ready = ready && c.ready;
      if (ready) {
        pod_ = p.name;
        break;
      }
    }
    if (pod_.empty())
      throw core::MissingPrerequisite(
          fmt::format("no running database pod in namespace {} (context {})", kubectl_.ns(),
                      kubectl_.context()),
          "boutique deploy, then boutique status --target k8s; an external database "
          "(prod-external-db) is backed up with its provider's tools");
    read_identity();
  }

  void migrate() override {
    // In a backend pod, with its configuration; no demo data into a restored shop.
    std::vector<std::string> args = {
        "exec",   "-n", kubectl_.ns(), "deploy/backend",       "-c",
        "api",    "--", "env",         "BOUTIQUE_SEED_DEMO=0", "/usr/local/bin/boutique-api",
        "migrate"};
    auto r = kubectl_.run(args, 180s);
    if (!r.ok())
      throw core::CommandFailed(
          fmt::format("the archive is restored, but its migrations failed: {}",
                      core::tail_lines(r.err + r.out, 3)),
          "fix the cause, then `kubectl rollout restart deployment/backend -n " + kubectl_.ns() +
              "`: the API applies pending migrations when it starts");
  }

 protected:
  core::Result exec_db(const std::vector<std::string>& args, std::chrono::seconds timeout,
                       std::string input) override {
    std::vector<std::string> argv = {"exec"};
    if (!input.empty()) argv.push_back("-i");
    argv.insert(argv.end(), {"-n", kubectl_.ns(), pod_, "-c", "postgres", "--"});
    argv.insert(argv.end(), args.begin(), args.end());
    return kubectl_.run(argv, timeout, input);
  }
  std::string container() const override { return "pod " + pod_; }

 private:
  Kubectl kubectl_;
  std::string pod_;
};

}  // namespace

std::unique_ptr<Database> K8sTarget::database() {
  return std::make_unique<PodDatabase>(ctx_.config.root(), kubectl_);
}

}  // namespace boutique::targets::k8s
