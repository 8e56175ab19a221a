#pragma once
// The web UI of the local target: our own nginx instance (never the system service) serving the
// built frontend (or a generated placeholder page until the frontend exists) and proxying /api/.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"
#include "targets/local/layout.hpp"

namespace boutique::targets::local {

// Replaces ${NAME} for every NAME in `vars`; throws ConfigError if a ${BOUTIQUE_...} placeholder is
// left (nginx's own $variables are untouched).
std::string render_template(const std::string& text,
                            const std::map<std::string, std::string>& vars);
// frontend/nginx/boutique.conf.template from the project, else the copy built into the binary.
std::string nginx_template(const std::filesystem::path& root);
// The Node.js that builds the UI (docs/frontend.md, "Node.js"): the project's pinned toolchain in
// <frontend>/toolchain/node when it is installed (scripts/install-deps.sh node), else a node on
// PATH that meets frontend/package.json's engines (>= 20.19) with its npm.
struct NodeToolchain {
  std::filesystem::path bin_dir;  // holds node and npm; put first on PATH for npm's scripts
  std::string version;            // as `node --version` prints it: v24.22.3
  bool pinned = false;            // the project's toolchain, not the machine's node
  std::filesystem::path npm() const { return bin_dir / "npm"; }
};
inline constexpr const char* kNodeHint =
    "scripts/install-deps.sh node  (the project's pinned Node.js and npm, from the npm registry)";
// nullopt when neither is usable; `why` then says what was found (a node too old, no npm...).
std::optional<NodeToolchain> find_node(core::ProcessRunner& runner,
                                       const std::filesystem::path& frontend, std::string& why);
// True when <frontend>/package.json exists and dist/index.html is missing or older than a source.
bool ui_needs_build(const std::filesystem::path& frontend);
// `npm ci` (when node_modules is older than the lock file) and `npm run build` when
// ui_needs_build(); true when it built. Shared with `boutique build` (the web-dist image target).
bool build_ui_if_stale(core::Context& ctx, const std::filesystem::path& frontend);

class Web {
 public:
  Web(core::Context& ctx, const Layout& layout);

  // Throws MissingPrerequisite when nginx (or npm, for a UI that needs building) is missing.
  void preflight() const;
  // Builds the UI when needed (npm ci && npm run build) or writes the placeholder page; decides
  // the web root.
  void prepare_ui();
  // Renders nginx.conf + boutique.conf; true when they changed. Validates with `nginx -t`.
  bool write_config(const std::string& api_upstream);
  std::optional<pid_t> pid() const;
  pid_t start();  // returns the nginx master's pid
  void reload();
  void wait_ready(std::chrono::steady_clock::time_point deadline);
  void stop(std::chrono::milliseconds grace);
  std::vector<core::Check> checks();

  int port() const;
  std::string base_url() const;
  std::filesystem::path error_log() const { return layout_.logs() / "web.log"; }
  std::filesystem::path access_log() const { return layout_.logs() / "web-access.log"; }

 private:
  std::filesystem::path nginx() const;
  std::vector<std::string> nginx_argv() const;
  std::filesystem::path pid_file() const { return layout_.run() / "web.pid"; }
  void check_readable_by_workers();
  void relocate_if_unreadable();

  core::Context& ctx_;
  const Layout& layout_;
  std::filesystem::path web_root_;
};

}  // namespace boutique::targets::local
