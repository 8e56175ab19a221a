#pragma once
// The Compose side of the compose target: which Compose program (the docker compose v2 plugin,
// else docker-compose v1), which files (compose.yaml + an override), and the command lines.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/process.hpp"
#include "images/engine.hpp"

namespace boutique::targets::compose {

struct ComposeProgram {
  std::vector<std::string> argv;  // {"docker", "compose"} or {"docker-compose"}
  std::string version;            // "2.27.0", "1.29.2"
  std::string label() const;      // "docker compose 2.27.0 (v2 plugin)", "docker-compose 1.29.2"
};
// `docker compose version` first (the v2 plugin), then `docker-compose version --short`.
std::optional<ComposeProgram> find_compose(core::ProcessRunner& runner);

// The override compose.override names: none, a path, or (auto) with podman the host-network
// override the container tests use, tests/containers/compose.test.yaml.
std::optional<std::filesystem::path> override_file(const core::Config& cfg,
                                                   images::EngineKind engine);

// Services an override file puts on the host network (`network_mode: host`).
std::set<std::string> host_network_services(const std::string& override_yaml);
// The Compose file without the `ports:` of these services: docker-compose refuses port bindings
// with host networking, and an override cannot delete a key.
std::string strip_ports(const std::string& compose_yaml, const std::set<std::string>& services);

struct ComposeFiles {
  std::vector<std::filesystem::path> files;
  bool host_network = false;
};
// compose.file (copied to `dir` without the host-network services' ports when needed) and the
// override. Throws ConfigError when a file is missing.
ComposeFiles prepare_files(const core::Config& cfg, images::EngineKind engine,
                           const std::filesystem::path& dir);

// What `compose config` (the resolved Compose file) says Compose builds itself: the services with
// a build: key, except ours (backend, frontend, built by `boutique build`), with their image
// (empty when none). CommandFailed when the text is not a Compose file.
struct ComposeBuild {
  std::string service, image;
};
std::vector<ComposeBuild> compose_builds(const std::string& config_yaml);

// The Compose project: the `project` setting when set, else what Compose itself would choose
// (COMPOSE_PROJECT_NAME from the environment, then from the project's .env, then the project
// directory's name), normalised as Compose v1 and v2 record it in their labels.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::string project_name(const core::Config& cfg, const EnvLookup& getenv);
std::string project_name(const core::Config& cfg);  // the real environment
// Compose service <-> boutique component.
std::string service_of(const std::string& component);  // api -> backend, web -> frontend
std::string component_of(const std::string& service);

}  // namespace boutique::targets::compose
