#include "targets/doctor.hpp"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "core/system.hpp"
#include "targets/compose/doctor.hpp"
#include "targets/local/api.hpp"
#include "targets/local/layout.hpp"
#include "targets/local/postgres.hpp"
#include "ui/build.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets {
namespace {

// First line of `argv` output (stdout, else stderr), or empty when it cannot run.
std::string first_line(core::ProcessRunner& runner, const std::vector<std::string>& argv) {
  try {
    auto r = runner.run({argv, {}, {}, 10s, {}});
    const std::string& text = r.out.empty() ? r.err : r.out;
    return r.ok() ? text.substr(0, text.find('\n')) : std::string();
  } catch (const core::Error&) {
    return {};
  }
}

core::Check tool(core::Context& ctx, const std::string& name,
                 const std::vector<std::string>& version_argv, const std::string& fix,
                 bool required = true) {
  fs::path p = core::find_program(version_argv.front());
  if (p.empty() && fs::exists("/usr/sbin/" + version_argv.front()))
    p = "/usr/sbin/" + version_argv.front();
  if (p.empty()) return {name, "found", false, "not found", fix, required};
  auto argv = version_argv;
  argv[0] = p.string();
  std::string v = first_line(*ctx.runner, argv);
  return {name, "found", true, v.empty() ? p.string() : fmt::format("{} ({})", v, p.string()),
          fix,  required};
}

void local_checks(core::Context& ctx, std::vector<core::Check>& out) {
  fs::path bindir = local::find_pg_bindir(*ctx.runner);
  if (bindir.empty()) {
    out.push_back({"postgresql", "found", false, "no initdb under /usr/lib/postgresql/*/bin",
                   "apt-get install postgresql-15 postgresql-client-15"});
  } else {
    std::string v = first_line(*ctx.runner, {(bindir / "postgres").string(), "--version"});
    out.push_back({"postgresql", "found", true, fmt::format("{} ({})", v, bindir.string()), ""});
    std::string missing;
    for (const char* t : {"pg_ctl", "psql", "pg_isready"})
      if (::access((bindir / t).c_str(), X_OK) != 0)
        missing += std::string(missing.empty() ? "" : ", ") + t;
    out.push_back({"postgresql", "client tools", missing.empty(),
                   missing.empty() ? "pg_ctl, psql, pg_isready" : "missing: " + missing,
                   "apt-get install postgresql-client-15"});
  }
  out.push_back(tool(ctx, "nginx", {"nginx", "-v"}, "apt-get install nginx-light"));
  if (core::is_root()) {
    out.push_back(tool(ctx, "runuser", {"runuser", "--version"}, "apt-get install util-linux"));
    bool pg_user = core::lookup_user("postgres").has_value();
    out.push_back({"user postgres", "exists", pg_user,
                   pg_user ? "runs PostgreSQL (boutique runs as root)" : "missing",
                   "apt-get install postgresql-15 (creates the user)"});
    const std::string web_user = ctx.config.str("local.web_user");
    bool wu = core::lookup_user(web_user).has_value();
    out.push_back({"user " + web_user, "exists", wu, wu ? "runs the nginx workers" : "missing",
                   "set local.web_user to an existing account, or apt-get install nginx-light"});
  }
  local::Layout layout = local::Layout::from(ctx.config);
  local::Api api(ctx, layout);
  fs::path bin = api.binary();
  bool built = ::access(bin.c_str(), X_OK) == 0;
  std::string v = built ? first_line(*ctx.runner, {bin.string(), "--version"}) : "";
  out.push_back({"boutique-api", "built", built,
                 built ? fmt::format("{} ({})", v.empty() ? "present" : v, bin.string())
                       : bin.string() + " missing",
                 "make   (or: cmake --build build --target boutique-api)"});
  const fs::path frontend = layout.root / "frontend";
  const bool ui = fs::exists(frontend / "package.json");
  std::string why;
  auto node = ui::find_node(*ctx.runner, frontend, why);
  core::Check c{"node", "found", node.has_value(), "", ui::kNodeHint, ui};
  if (node)
    c.detail = fmt::format("{} ({}{})", node->version, node->bin_dir.string(),
                           node->pinned ? ", the project's pinned toolchain" : "");
  else
    c.detail = why;
  if (!ui) c.detail += "; not needed until frontend/package.json exists";
  out.push_back(c);
}

void k8s_checks(core::Context& ctx, std::vector<core::Check>& out) {
  core::Check kubectl = tool(ctx, "kubectl", {"kubectl", "version", "--client"},
                             "install kubectl (Kubernetes release packages)");
  out.push_back(kubectl);
  out.push_back(tool(ctx, "minikube", {"minikube", "version", "--short"}, "install minikube"));
  const std::string want = ctx.config.str("k8s.context");
  if (!kubectl.ok) {
    out.push_back(
        {"kubectl", "context " + want, false, "kubectl missing", "install kubectl first"});
    return;
  }
  auto r = ctx.runner->run({{"kubectl", "config", "get-contexts", "-o", "name"}, {}, {}, 10s, {}});
  bool has = ("\n" + r.out).find("\n" + want + "\n") != std::string::npos;
  out.push_back({"kubectl", "context " + want, has, has ? "configured" : "no such context",
                 "minikube start (creates the 'minikube' context), or set k8s.context"});
  if (!has) return;
  auto v = ctx.runner->run(
      {{"kubectl", "--context", want, "version", "--request-timeout=5s"}, {}, {}, 15s, {}});
  out.push_back({"kubectl", "cluster reachable", v.ok(),
                 v.ok() ? "API server answered" : core::tail_lines(v.err, 1),
                 "start the cluster (minikube start) and check `kubectl cluster-info`"});
}

}  // namespace

std::vector<core::Check> doctor_checks(const std::string& target, core::Context& ctx) {
  std::vector<core::Check> out;
  if (target == "local") local_checks(ctx, out);
  if (target == "compose") compose::doctor_checks(ctx, out);
  if (target == "k8s") k8s_checks(ctx, out);
  return out;
}

}  // namespace boutique::targets
