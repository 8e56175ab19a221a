#pragma once
// The web UI's build from frontend/ (npm ci && npm run build with the Node.js of find_node), shared
// by the local target (which serves frontend/dist) and the image builder (the web-dist target
// copies it), and the Node.js checks of `boutique doctor`.
#include <filesystem>
#include <optional>
#include <string>

#include "core/context.hpp"
#include "core/process.hpp"

namespace boutique::ui {

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
// Vite's dev server on host:port, proxying /api to `api_url` (frontend/vite.config.ts), after
// `npm ci` when node_modules is stale: the command `boutique dev` starts alongside.
core::Command dev_server(core::Context& ctx, const std::filesystem::path& frontend,
                         const std::string& host, int port, const std::string& api_url);

}  // namespace boutique::ui
