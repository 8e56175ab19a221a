// Fuzz target: what `boutique build` and the compose target read from docker, podman and Compose.
// The same text goes to every reader: `podman ps --format json` and `docker ps --format <template>`
// (parse_podman_ps, parse_docker_ps, through Engine::containers too), `docker version --format
// '{{json .Server}}'` (parse_docker_server), `image inspect --format {{.Size}}`
// (Engine::image_size), `podman healthcheck run` (Engine::health), git's output (git_info), a
// Compose file and its override (host_network_services, strip_ports), a Dockerfile (base_images),
// and the tail of a failed command's output (tail_lines). Outputs come through a ProcessRunner that
// answers every command with the text, at the same seam the unit tests replay recordings; and
// `compose config` (compose_builds).
// Invariants: readers fail only with a core::Error (CommandFailed, exit 4), the Compose file
// readers only with a YAML::Exception (prepare_files turns it into a ConfigError); anything else
// would reach main() as "internal error (a bug)". strip_ports writes YAML that reads back, with no
// ports: left under the host-network services and nothing else changed in that list.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "core/errors.hpp"
#include "core/process.hpp"
#include "fuzz_check.hpp"
#include "images/engine.hpp"
#include "images/plan.hpp"
#include "targets/compose/project.hpp"

namespace {

using namespace boutique;
using namespace boutique::images;
using namespace boutique::targets::compose;

// Every command "prints" the fuzz input and ends with exit_code.
class EchoRunner final : public core::ProcessRunner {
 public:
  EchoRunner(const std::string& out, int exit_code) : out_(out), exit_code_(exit_code) {}
  core::Result run(const core::Command&) override {
    core::Result r;
    r.exit_code = exit_code_;
    r.out = out_;
    r.err = out_;
    return r;
  }
  pid_t spawn_detached(const core::DetachedCommand&) override { return -1; }
  std::unique_ptr<core::Running> start(const core::Command&) override {
    throw std::logic_error("the compose target starts nothing alongside");
  }

 private:
  const std::string& out_;
  int exit_code_;
};

// Runs f; a core::Error is an accepted way to fail, anything else is a bug.
template <typename F>
void only_core_errors(const char* what, F f) {
  try {
    f();
  } catch (const core::Error& e) {
    FUZZ_CHECK(!std::string(e.what()).empty(), what);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string(what) +
                          ": not a core::Error (main() says 'internal error'): " + e.what());
  }
}

void check_compose_file(const std::string& text) {
  std::set<std::string> host;
  try {
    host = host_network_services(text);
  } catch (const YAML::Exception&) {
    return;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("host_network_services: not a YAML::Exception: ") + e.what());
  }
  if (host.empty()) return;
  std::string stripped;
  try {
    stripped = strip_ports(text, host);
  } catch (const YAML::Exception&) {
    return;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("strip_ports: not a YAML::Exception: ") + e.what());
  }
  // yaml-cpp's emitter writes bytes that are not UTF-8 as U+FFFD: a service named so (Compose
  // refuses such names anyway) cannot read back the same.
  if (!fuzz::utf8(text)) return;
  YAML::Node doc;
  try {
    doc = YAML::Load(stripped);
  } catch (const YAML::Exception& e) {
    FUZZ_CHECK(false, "strip_ports wrote YAML that does not read back: " + std::string(e.what()) +
                          "\n" + stripped);
  }
  FUZZ_CHECK(host_network_services(stripped) == host, "host-network services changed");
  for (const auto& s : host)
    FUZZ_CHECK(!doc["services"][s].IsMap() || !doc["services"][s]["ports"],
               "ports: left under " + s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::text(data, size);

  only_core_errors("parse_podman_ps", [&] {
    const auto all = parse_podman_ps(text);
    if (const auto* c = find_service(all, "backend")) FUZZ_CHECK(c->service == "backend", "");
  });
  only_core_errors("parse_docker_ps", [&] {
    const auto all = parse_docker_ps(text);
    if (const auto* c = find_service(all, "frontend")) FUZZ_CHECK(c->service == "frontend", "");
  });
  for (const int exit_code : {0, 1}) {
    EchoRunner runner(text, exit_code);
    only_core_errors("parse_docker_server", [&] {
      const auto server = parse_docker_server(runner.run({}));
      FUZZ_CHECK(exit_code == 0 || server == DockerServer::none, "failed `docker version`");
    });
    for (const auto kind : {EngineKind::podman, EngineKind::docker}) {
      Engine engine(runner, kind);
      only_core_errors("Engine::image_size", [&] { (void)engine.image_size("boutique-api:x"); });
      only_core_errors("Engine::containers", [&] {
        for (const auto& c : engine.containers("boutique")) (void)engine.health(c);
      });
    }
    only_core_errors("git_info", [&] { (void)git_info(runner, "/fuzz"); });
  }

  only_core_errors("compose_builds", [&] {
    for (const auto& b : compose_builds(text))
      FUZZ_CHECK(b.service != "backend" && b.service != "frontend", b.service);
  });
  check_compose_file(text);
  (void)base_images(text);

  for (const std::size_t lines : {1UL, 3UL, 8UL, 15UL}) {
    const auto tail = core::tail_lines(text, lines);
    FUZZ_CHECK(text.find(tail) != std::string::npos, "tail_lines is not part of the text");
    FUZZ_CHECK(static_cast<std::size_t>(std::count(tail.begin(), tail.end(), '\n')) < lines,
               "tail_lines: too many lines");
  }
  return 0;
}
