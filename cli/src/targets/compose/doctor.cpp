// `boutique doctor --target compose`: the engine and why, the Compose implementation, podman's
// socket, base images and runtime settings, the image tag, the host-built UI.
#include "targets/compose/doctor.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "images/plan.hpp"
#include "state/state_dir.hpp"
#include "targets/compose/podman_socket.hpp"
#include "targets/compose/project.hpp"
#include "ui/build.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets::compose {
namespace {

void podman_checks(core::Context& ctx, std::vector<core::Check>& out) {
  const fs::path dir = state::state_dir(ctx.config) / "compose";
  PodmanSocket sock(ctx, dir);
  if (PodmanSocket::answers(PodmanSocket::kSystemSocket)) {
    out.push_back(
        {"podman", "API socket", true,
         fmt::format("{} answers (system service): Compose uses it", PodmanSocket::kSystemSocket),
         ""});
  } else if (auto p = sock.pid()) {
    out.push_back({"podman", "API socket", true,
                   fmt::format("{} (podman system service, pid {}, started by boutique up; "
                               "stopped by down)",
                               sock.own_socket().string(), *p),
                   ""});
  } else {
    out.push_back({"podman", "API socket", true,
                   fmt::format("not running: `up` starts `podman system service` on {}",
                               sock.own_socket().string()),
                   ""});
  }
  images::Engine eng(*ctx.runner, images::EngineKind::podman);
  std::string runnable;
  std::vector<std::string> seen;
  for (const auto& def : images::image_defs(ctx.config, images::EngineKind::podman)) {
    auto text = core::read_text(def.dockerfile);
    if (!text) continue;
    for (const auto& base : images::base_images(*text)) {
      if (std::find(seen.begin(), seen.end(), base) != seen.end()) continue;
      seen.push_back(base);
      bool has = eng.image_size(base).has_value();
      if (has && runnable.empty()) runnable = base;
      out.push_back({"podman", "base image " + base, has,
                     has ? "in the image store (builds use --pull=never)"
                         : "missing: builds run with --pull=never",
                     base.rfind("debian:", 0) == 0
                         ? "scripts/podman-env.sh base   (or podman pull docker.io/library/" +
                               base + " where a registry answers)"
                         : "podman pull " + base});
    }
  }
  if (runnable.empty()) return;
  // The settings podman needs on this kind of machine (runc, lowered ulimits): one real run.
  auto r = ctx.runner->run(
      {{"podman", "run", "--rm", "--network=host", runnable, "true"}, {}, {}, 60s, {}});
  const char* conf = std::getenv("CONTAINERS_CONF");
  out.push_back({"podman", "runs a container", r.ok(),
                 r.ok() ? fmt::format("podman run --rm --network=host {} true (CONTAINERS_CONF={})",
                                      runnable, conf ? conf : "unset")
                        : core::tail_lines(r.err, 1),
                 "eval \"$(scripts/podman-env.sh env)\"  (runc and lowered ulimits)"});
}

}  // namespace

void doctor_checks(core::Context& ctx, std::vector<core::Check>& out) {
  const bool has_docker = !core::find_program("docker").empty();
  const bool has_podman = !core::find_program("podman").empty();
  std::optional<images::EngineChoice> choice;
  try {
    choice = images::choose_engine(*ctx.runner, ctx.config.str("images.engine"),
                                   ctx.config.value("images.engine").origin);
    out.push_back({"engine", "chosen", true,
                   fmt::format("{} ({})", to_string(choice->kind), choice->why), ""});
  } catch (const core::Error& e) {
    out.push_back({"engine", "chosen", false, e.what(), e.hint()});
  }
  const bool podman = choice && choice->kind == images::EngineKind::podman;
  out.push_back({"docker", "found", has_docker,
                 has_docker ? core::find_program("docker").string() : "not found",
                 "install Docker (docker.io)", choice && !podman});
  out.push_back({"podman", "found", has_podman,
                 has_podman ? core::find_program("podman").string() : "not found",
                 "apt-get install podman runc buildah", podman});
  auto program = find_compose(*ctx.runner);
  out.push_back({"compose", "found", program.has_value(),
                 program ? program->label() + (podman ? ", through podman's Docker-compatible API"
                                                      : ", on the Docker engine")
                         : "neither `docker compose` (v2 plugin) nor docker-compose (v1)",
                 "install the Compose plugin (docker-compose-plugin) or apt-get install "
                 "docker-compose"});
  if (choice) {
    if (auto over = override_file(ctx.config, choice->kind)) {
      bool has = fs::exists(*over);
      out.push_back({"compose", "override", has,
                     has ? over->string() + (podman ? " (host network, as podman needs here)" : "")
                         : over->string() + " missing",
                     "set compose.override (none, or a file)"});
    }
  }
  if (podman) podman_checks(ctx, out);
  try {
    auto plan = images::plan_tag(ctx.config, images::git_info(*ctx.runner, ctx.config.root()));
    out.push_back({"images", "tag", true,
                   plan.tag + (plan.dirty ? " (uncommitted changes: always rebuilt)" : ""), ""});
  } catch (const core::Error& e) {
    out.push_back({"images", "tag", false, e.what(), e.hint()});
  }
  if (choice) {
    for (const auto& def : images::image_defs(ctx.config, choice->kind)) {
      if (def.target != "web-dist") continue;
      bool stale = ui::ui_needs_build(def.context);
      std::string why;
      bool node = ui::find_node(*ctx.runner, def.context, why).has_value();
      out.push_back({"web UI", "host build (web-dist)", !stale || node,
                     stale ? (node ? "frontend/dist stale or missing: `build` runs npm first"
                                   : "frontend/dist stale or missing and " + why)
                           : "frontend/dist up to date",
                     ui::kNodeHint});
    }
  }
}

}  // namespace boutique::targets::compose
