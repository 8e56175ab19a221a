#pragma once
// The container engine (docker or podman) as the CLI uses it: which one, images (exists, size,
// build, tag, push), and the containers of a Compose project. Every call goes through the
// ProcessRunner; the parsers take the programs' real output (tests replay recorded outputs).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/process.hpp"

namespace boutique::images {

enum class EngineKind { docker, podman };
const char* to_string(EngineKind k);

// Who answers `docker version --format '{{json .Server}}'`: nobody, a Docker engine, or podman's
// Docker-compatible socket (DOCKER_HOST pointing at it).
enum class DockerServer { none, docker, podman };
DockerServer parse_docker_server(const core::Result& r);

struct EngineChoice {
  EngineKind kind;
  std::string why;  // "auto: no Docker daemon answers; podman 4.3.1 found"
};
// `configured` is images.engine (auto|docker|podman); `origin` names where it came from.
// Throws MissingPrerequisite when the chosen (or any, for auto) engine is not installed.
EngineChoice choose_engine(core::ProcessRunner& runner, const std::string& configured,
                           const std::string& origin);

// One container of a Compose project (labels com.docker.compose.project / .service).
struct Container {
  std::string service, name, state, status, image;
  bool running() const { return state == "running"; }
};
// The container of `service` (a running one first); nullptr when there is none.
const Container* find_service(const std::vector<Container>& all, const std::string& service);
// `podman ps -a --format json`: a JSON array with a Labels map.
std::vector<Container> parse_podman_ps(const std::string& json);
// `docker ps -a --format <kDockerPsFormat>`: one JSON object a line, shaped by the template.
std::vector<Container> parse_docker_ps(const std::string& lines);
extern const char* const kDockerPsFormat;

struct BuildSpec {
  std::string dockerfile;  // path
  std::string context;     // directory
  std::string target;      // empty: the last stage
  std::vector<std::string> tags;
  std::map<std::string, std::string> args;  // --build-arg
};

// The first "sha256:<64 lowercase hex>" in text (a push's digest line, a digest file).
std::optional<std::string> manifest_digest(std::string_view text);

class Engine {
 public:
  Engine(core::ProcessRunner& runner, EngineKind kind) : runner_(runner), kind_(kind) {}
  EngineKind kind() const { return kind_; }
  const char* program() const { return to_string(kind_); }

  // Size in bytes when the image exists (podman and docker both count MB as 10^6 bytes).
  std::optional<long long> image_size(const std::string& ref);
  // podman: --pull=never --network=host --format docker (no registry, host network only, keep
  // HEALTHCHECK); docker: a plain `docker build`.
  std::vector<std::string> build_argv(const BuildSpec& spec) const;
  void tag(const std::string& from, const std::string& to);
  // Pushes ref; the digest (sha256:<64 hex>) of the manifest the registry now holds for it, when
  // the engine tells it: docker's "<tag>: digest: sha256:… size: N" line, podman's --digestfile
  // (written to `scratch`, removed afterwards).
  std::optional<std::string> push(const std::string& ref, const std::filesystem::path& scratch);
  // The image's ID (hex, without "sha256:"): what identifies its content; nothing when there is
  // no such image.
  std::optional<std::string> image_id(const std::string& ref);
  // `save -o archive ref`: a docker-archive tarball (both engines' default), what kind, k3d and
  // minikube load.
  void save(const std::string& ref, const std::string& archive);
  // Containers of a Compose project, stopped ones included. No socket needed (the engine's CLI).
  std::vector<Container> containers(const std::string& project);
  // The image's HEALTHCHECK for a running container: podman runs it now (`podman healthcheck
  // run`: its timers never run here); docker reports its last result in the status text.
  // Returns {ok, detail}.
  std::pair<bool, std::string> health(const Container& c);

 private:
  core::Result run(std::vector<std::string> args, std::chrono::milliseconds timeout);
  core::ProcessRunner& runner_;
  EngineKind kind_;
};

// "89.9 MB" (10^6, as podman and docker print sizes).
std::string human_size(long long bytes);

}  // namespace boutique::images
