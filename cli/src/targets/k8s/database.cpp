// `boutique backup` / `restore` on the k8s target: the PostgreSQL client programs of the database
// pod itself, through `kubectl exec` — the archive streamed through kubectl's stdin and stdout,
// never written in the pod. Inside the pod the official image's local socket trusts its users, so
// no password travels; the user and database are the pod's own POSTGRES_USER and POSTGRES_DB. The
// API's migrations run in a backend pod (`boutique-api migrate`, with its own configuration).
#include <fstream>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "probes/stack.hpp"
#include "targets/k8s/k8s_target.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets::k8s {
namespace {

constexpr const char* kContainer = "postgres";

std::string read_binary(const fs::path& file) {
  auto bytes = core::read_text(file);  // binary-safe
  if (!bytes) throw core::CommandFailed(fmt::format("cannot read {}", file.string()));
  return std::move(*bytes);
}

class K8sDatabase final : public Database {
 public:
  // Its own Kubectl: it may outlive the target that made it.
  K8sDatabase(core::Context& ctx, Kubectl kubectl) : ctx_(ctx), kubectl_(std::move(kubectl)) {}

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
    // The pod's own names for its user and database (the Secret's POSTGRES_USER, POSTGRES_DB).
    auto env = exec({"printenv", "POSTGRES_USER", "POSTGRES_DB"}, 30s);
    const auto nl = env.out.find('\n');
    if (!env.ok() || nl == std::string::npos)
      throw core::CommandFailed(
          fmt::format("cannot read POSTGRES_USER and POSTGRES_DB in pod {}: {}", pod_,
                      core::tail_lines(env.err.empty() ? env.describe() : env.err, 1)));
    user_ = env.out.substr(0, nl);
    database_ = core::tail_lines(env.out.substr(nl + 1), 1);
  }

  void dump_to(const fs::path& file) override {
    auto r = exec({"pg_dump", "-Fc", "-U", user_, "-d", database_}, 3600s);
    if (!r.ok())
      throw core::CommandFailed(
          fmt::format("pg_dump in pod {} failed: {}", pod_, core::tail_lines(r.err, 1)),
          "boutique logs db --target k8s");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(r.out.data(), static_cast<std::streamsize>(r.out.size()));
    if (!out.flush()) throw core::CommandFailed(fmt::format("cannot write {}", file.string()));
  }

  ArchiveText read_archive(const fs::path& file, const std::vector<std::string>& tables) override {
    std::vector<std::string> args = {"pg_restore", "--data-only", "-f", "-"};
    for (const auto& t : tables) args.insert(args.end(), {"-t", t});
    auto r = exec(args, 600s, read_binary(file));
    if (!r.ok()) return {false, {}, core::tail_lines(r.err, 1)};
    return {true, r.out, {}};
  }

  int expected_migration() override { return probes::latest_migration(ctx_.config.root()); }

  void replace_with(const fs::path& file) override {
    // The archive as SQL without owners or grants, then one transaction that empties the schema,
    // recreates it from the archive and NOTIFYs the API's listeners at the commit. Not `DROP
    // OWNED BY CURRENT_USER` as on the local target: here the role is the image's POSTGRES_USER,
    // the cluster's bootstrap superuser, whose objects the database system requires.
    auto script =
        exec({"pg_restore", "--no-owner", "--no-privileges", "-f", "-"}, 600s, read_binary(file));
    if (!script.ok())
      throw core::CommandFailed(fmt::format("pg_restore could not read {}: {}", file.string(),
                                            core::tail_lines(script.err, 1)));
    std::string sql =
        "SET client_min_messages = warning;\n"
        "SET lock_timeout = '10s';\n"
        "DROP SCHEMA public CASCADE;\n"
        "CREATE SCHEMA public;\n";
    sql += script.out;
    sql += "\nNOTIFY produits_changed;\n";
    auto r = exec({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-U", user_,
                   "-d", database_, "-f", "-"},
                  3600s, std::move(sql));
    if (!r.ok())
      throw core::CommandFailed(
          fmt::format("restore failed, nothing changed (its transaction was rolled back): {}",
                      core::tail_lines(r.err, 1)),
          "boutique logs db --target k8s");
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

 private:
  // kubectl exec [-i] -n NS POD -c postgres -- ARGS (stdin: `input`).
  core::Result exec(const std::vector<std::string>& args, std::chrono::seconds timeout,
                    std::string input = {}) {
    std::vector<std::string> argv = {"exec"};
    if (!input.empty()) argv.push_back("-i");
    argv.insert(argv.end(), {"-n", kubectl_.ns(), pod_, "-c", kContainer, "--"});
    argv.insert(argv.end(), args.begin(), args.end());
    return kubectl_.run(argv, timeout, input);
  }

  core::Context& ctx_;
  Kubectl kubectl_;
  std::string pod_, user_, database_;
};

}  // namespace

std::unique_ptr<Database> K8sTarget::database() {
  return std::make_unique<K8sDatabase>(ctx_, kubectl_);
}

}  // namespace boutique::targets::k8s
