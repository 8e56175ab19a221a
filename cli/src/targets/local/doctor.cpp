// `boutique doctor` on the local target: PostgreSQL, nginx, the accounts they run as, the API
// binary, Node.js.
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "core/users.hpp"
#include "targets/local/api.hpp"
#include "targets/local/layout.hpp"
#include "targets/local/local_target.hpp"
#include "targets/local/postgres.hpp"
#include "targets/tool_check.hpp"
#include "ui/build.hpp"

namespace fs = std::filesystem;

namespace boutique::targets::local {

std::vector<core::Check> LocalTarget::prerequisites() {
  auto& ctx = ctx_;
  std::vector<core::Check> out;
  fs::path bindir = find_pg_bindir(*ctx.runner);
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
  Layout layout = Layout::from(ctx.config);
  Api api(ctx, layout);
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
  return out;
}

}  // namespace boutique::targets::local
