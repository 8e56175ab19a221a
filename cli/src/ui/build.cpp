#include "ui/build.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::ui {
namespace {

fs::file_time_type newest_mtime(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return fs::file_time_type::min();
  if (!fs::is_directory(p, ec)) return fs::last_write_time(p, ec);
  auto best = fs::file_time_type::min();
  for (const auto& e : fs::recursive_directory_iterator(p, ec))
    if (e.is_regular_file(ec)) best = std::max(best, e.last_write_time(ec));
  return best;
}

}  // namespace

bool ui_needs_build(const fs::path& frontend) {
  if (!fs::exists(frontend / "package.json")) return false;
  fs::path index = frontend / "dist" / "index.html";
  if (!fs::exists(index)) return true;
  auto built = fs::last_write_time(index);
  for (const char* src : {"src", "public", "index.html", "package.json", "package-lock.json",
                          "vite.config.ts", "vite.config.js", "tsconfig.json", "tsconfig.app.json"})
    if (newest_mtime(frontend / src) > built) return true;
  return false;
}

std::optional<NodeToolchain> find_node(core::ProcessRunner& runner, const fs::path& frontend,
                                       std::string& why) {
  auto version_of = [&runner](const fs::path& node) -> std::string {
    try {
      auto r = runner.run({{node.string(), "--version"}, {}, {}, 10s, {}});
      return r.ok() ? r.out.substr(0, r.out.find('\n')) : std::string();
    } catch (const core::Error&) {
      return {};
    }
  };
  const fs::path pinned = frontend / "toolchain" / "node" / "bin";
  if (::access((pinned / "node").c_str(), X_OK) == 0 && fs::exists(pinned / "npm")) {
    std::string v = version_of(pinned / "node");
    if (!v.empty()) return NodeToolchain{pinned, v, true};
  }
  const fs::path node = core::find_program("node");
  if (node.empty()) {
    why = "no Node.js: neither the project's (frontend/toolchain/node) nor one on PATH";
    return std::nullopt;
  }
  const std::string v = version_of(node);
  static const std::regex kVersion(R"(^v(\d+)\.(\d+)\.)");
  std::smatch m;
  if (!std::regex_search(v, m, kVersion) ||
      std::pair(std::stoi(m[1]), std::stoi(m[2])) < std::pair(20, 19)) {
    why = fmt::format("{} is Node.js {}, the UI's tools need >= 20.19 (Debian 12's nodejs is 18)",
                      node.string(), v.empty() ? "of unknown version" : v);
    return std::nullopt;
  }
  if (!fs::exists(node.parent_path() / "npm") && core::find_program("npm").empty()) {
    why = fmt::format("{} ({}) has no npm beside it or on PATH", node.string(), v);
    return std::nullopt;
  }
  fs::path bin = node.parent_path();
  if (!fs::exists(bin / "npm")) bin = core::find_program("npm").parent_path();
  return NodeToolchain{bin, v, false};
}

namespace {

std::map<std::string, std::string> node_env(const NodeToolchain& node) {
  const char* path = std::getenv("PATH");
  return {{"PATH", node.bin_dir.string() + (path && *path ? std::string(":") + path : "")}};
}

NodeToolchain require_node(core::Context& ctx, const fs::path& frontend, const char* what) {
  std::string why;
  auto node = find_node(*ctx.runner, frontend, why);
  if (!node) throw core::MissingPrerequisite(fmt::format("{} but {}", what, why), kNodeHint);
  return *node;
}

// node_modules is missing or older than the lock file: `npm ci` is due.
bool dependencies_stale(const fs::path& frontend) {
  const fs::path installed = frontend / "node_modules" / ".package-lock.json";
  return !fs::exists(installed) ||
         newest_mtime(frontend / "package-lock.json") > fs::last_write_time(installed);
}

void npm(core::Context& ctx, const fs::path& frontend, const NodeToolchain& node,
         std::vector<std::string> args, const char* hint) {
  args.insert(args.begin(), node.npm().string());
  core::require_ok(ctx.runner->run({args, node_env(node), frontend, 15min, {}}), args, hint);
}

constexpr const char* kCiHint =
    "fix the frontend's dependencies (cd frontend && npm ci), then retry";

}  // namespace

bool build_ui_if_stale(core::Context& ctx, const fs::path& frontend) {
  if (!ui_needs_build(frontend)) return false;
  const auto node =
      require_node(ctx, frontend, "the web UI must be built (frontend/dist is missing or stale)");
  const bool ci = dependencies_stale(frontend);
  auto step = ctx.progress->step(fmt::format("Building the web UI ({}npm run build, node {}{})",
                                             ci ? "npm ci && " : "", node.version,
                                             node.pinned ? ", pinned" : ""));
  if (ci) npm(ctx, frontend, node, {"ci", "--no-audit", "--no-fund"}, kCiHint);
  npm(ctx, frontend, node, {"run", "build"},
      "fix the frontend build (cd frontend && npm run build), then retry");
  step.done();
  return true;
}

core::Command dev_server(core::Context& ctx, const fs::path& frontend, const std::string& host,
                         int port, const std::string& api_url) {
  const auto node = require_node(ctx, frontend, "the UI's dev server (Vite) needs Node.js");
  if (dependencies_stale(frontend)) {
    auto step = ctx.progress->step(
        fmt::format("Installing the UI's dependencies (npm ci, node {})", node.version));
    npm(ctx, frontend, node, {"ci", "--no-audit", "--no-fund"}, kCiHint);
    step.done();
  }
  auto env = node_env(node);
  env["BOUTIQUE_API_URL"] = api_url;
  return {{(node.bin_dir / "node").string(),
           (frontend / "node_modules" / "vite" / "bin" / "vite.js").string(), "--host", host,
           "--port", std::to_string(port), "--strictPort", "--clearScreen", "false"},
          env,
          frontend,
          std::chrono::milliseconds(0),
          {}};
}

}  // namespace boutique::ui
