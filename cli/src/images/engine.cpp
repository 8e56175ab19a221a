#include "images/engine.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace boutique::images {

const char* to_string(EngineKind k) {
  return k == EngineKind::docker ? "docker" : "podman";
}

namespace {
// A member that should be a string: "" when it is missing, null or of another type. Never
// nlohmann's value(), which throws type_error on a member of another type, or on a non-object,
// out of the parsers as an internal error (found by tests/fuzz, cli_compose).
std::string text_of(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

DockerServer parse_docker_server(const core::Result& r) {
  if (!r.ok()) return DockerServer::none;
  auto j = json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return DockerServer::none;
  const auto components = j.find("Components");
  if (components != j.end() && components->is_array())
    for (const auto& c : *components)
      if (text_of(c, "Name") == "Podman Engine") return DockerServer::podman;
  return DockerServer::docker;
}

EngineChoice choose_engine(core::ProcessRunner& runner, const std::string& configured,
                           const std::string& origin) {
  const bool has_docker = !core::find_program("docker").empty();
  const bool has_podman = !core::find_program("podman").empty();
  if (configured == "podman") {
    if (!has_podman)
      throw core::MissingPrerequisite(
          fmt::format("podman is not installed (images.engine=podman, from {})", origin),
          "apt-get install podman runc buildah, or choose --engine docker");
    return {EngineKind::podman, "chosen by images.engine (" + origin + ")"};
  }
  DockerServer server = DockerServer::none;
  if (has_docker)
    server = parse_docker_server(
        runner.run({{"docker", "version", "--format", "{{json .Server}}"}, {}, {}, 15s, {}}));
  if (configured == "docker") {
    if (!has_docker)
      throw core::MissingPrerequisite(
          fmt::format("docker is not installed (images.engine=docker, from {})", origin),
          "install Docker (apt-get install docker.io), or choose --engine podman");
    if (server == DockerServer::none)
      throw core::MissingPrerequisite("the Docker daemon does not answer (`docker version`)",
                                      "start it (systemctl start docker; check DOCKER_HOST), "
                                      "or choose --engine podman");
    return {EngineKind::docker, "chosen by images.engine (" + origin + ")"};
  }
  if (server == DockerServer::docker) return {EngineKind::docker, "auto: a Docker engine answers"};
  if (has_podman)
    return {EngineKind::podman, server == DockerServer::podman
                                    ? "auto: DOCKER_HOST is podman's socket: podman itself"
                                    : "auto: no Docker engine answers; podman found"};
  if (has_docker)
    throw core::MissingPrerequisite(
        "docker is installed but its daemon does not answer, and podman is not installed",
        "start Docker (systemctl start docker), or apt-get install podman runc buildah");
  throw core::MissingPrerequisite("no container engine: neither docker nor podman is installed",
                                  "install Docker (docker.io) or podman (apt-get install podman "
                                  "runc buildah); `boutique doctor --target compose` checks");
}

const char* const kDockerPsFormat =
    R"({"service":{{json (.Label "com.docker.compose.service")}},"name":{{json .Names}},)"
    R"("state":{{json .State}},"status":{{json .Status}},"image":{{json .Image}}})";

const Container* find_service(const std::vector<Container>& all, const std::string& service) {
  const Container* best = nullptr;
  for (const auto& c : all)
    if (c.service == service && (!best || c.running())) best = &c;
  return best;
}

std::vector<Container> parse_podman_ps(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array())
    throw core::CommandFailed("unexpected output from `podman ps --format json`: " +
                              core::tail_lines(text, 3));
  std::vector<Container> out;
  for (const auto& c : j) {
    if (!c.is_object())
      throw core::CommandFailed("unexpected output from `podman ps --format json`: " +
                                core::tail_lines(text, 3));
    Container x;
    if (const auto labels = c.find("Labels"); labels != c.end())
      x.service = text_of(*labels, "com.docker.compose.service");
    if (const auto names = c.find("Names");
        names != c.end() && names->is_array() && !names->empty() && (*names)[0].is_string())
      x.name = (*names)[0].get<std::string>();
    x.state = text_of(c, "State");
    x.status = text_of(c, "Status");
    x.image = text_of(c, "Image");
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<Container> parse_docker_ps(const std::string& lines) {
  std::vector<Container> out;
  std::size_t pos = 0;
  while (pos < lines.size()) {
    std::size_t end = lines.find('\n', pos);
    std::string line = lines.substr(pos, end == std::string::npos ? end : end - pos);
    pos = end == std::string::npos ? lines.size() : end + 1;
    if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw core::CommandFailed("unexpected output from `docker ps`: " + line);
    out.push_back({text_of(j, "service"), text_of(j, "name"), text_of(j, "state"),
                   text_of(j, "status"), text_of(j, "image")});
  }
  return out;
}

core::Result Engine::run(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  args.insert(args.begin(), program());
  return runner_.run({args, {}, {}, timeout, {}});
}

std::optional<long long> Engine::image_size(const std::string& ref) {
  auto r = run({"image", "inspect", "--format", "{{.Size}}", ref}, 30s);
  if (!r.ok()) return std::nullopt;  // "image not known" / "No such image"
  try {
    return std::stoll(r.out);
  } catch (const std::exception&) {
    throw core::CommandFailed(fmt::format("`{} image inspect {}` printed '{}', not a size",
                                          program(), ref, core::tail_lines(r.out, 1)));
  }
}

std::vector<std::string> Engine::build_argv(const BuildSpec& spec) const {
  std::vector<std::string> argv = {program(), "build"};
  if (kind_ == EngineKind::podman)
    argv.insert(argv.end(), {"--pull=never", "--network=host", "--format", "docker"});
  argv.insert(argv.end(), {"-f", spec.dockerfile});
  if (!spec.target.empty()) argv.insert(argv.end(), {"--target", spec.target});
  for (const auto& t : spec.tags) argv.insert(argv.end(), {"-t", t});
  for (const auto& [k, v] : spec.args) argv.insert(argv.end(), {"--build-arg", k + "=" + v});
  argv.push_back(spec.context);
  return argv;
}

void Engine::tag(const std::string& from, const std::string& to) {
  std::vector<std::string> argv = {program(), "tag", from, to};
  core::require_ok(runner_.run({argv, {}, {}, 60s, {}}), argv);
}

std::optional<std::string> Engine::image_id(const std::string& ref) {
  std::vector<std::string> argv = {program(), "image", "inspect", "--format", "{{.Id}}", ref};
  auto r = runner_.run({argv, {}, {}, 30s, {}});
  if (!r.ok()) return std::nullopt;
  std::string id = core::tail_lines(r.out, 1);
  if (id.starts_with("sha256:")) id.erase(0, 7);  // docker says sha256:<hex>, podman <hex>
  if (id.size() < 12 || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    return std::nullopt;
  return id;
}

void Engine::save(const std::string& ref, const std::string& archive) {
  std::vector<std::string> argv = {program(), "save", "-o", archive, ref};
  core::require_ok(runner_.run({argv, {}, {}, std::chrono::minutes(10), {}}), argv,
                   "build it first: boutique build");
}

std::optional<std::string> manifest_digest(std::string_view text) {
  constexpr std::string_view prefix = "sha256:";
  const auto at = text.find(prefix);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view hex = text.substr(at + prefix.size(), 64);
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string_view::npos)
    return std::nullopt;
  return std::string(prefix) + std::string(hex);
}

std::optional<std::string> Engine::push(const std::string& ref,
                                        const std::filesystem::path& scratch) {
  std::vector<std::string> argv = {program(), "push", ref};
  if (kind_ == EngineKind::podman)
    argv.insert(argv.begin() + 2, {"--digestfile", scratch.string()});
  struct Cleanup {
    std::filesystem::path f;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove(f, ec);
    }
  } cleanup{kind_ == EngineKind::podman ? scratch : std::filesystem::path()};
  const auto r = runner_.run({argv, {}, {}, std::chrono::minutes(30), {}});
  core::require_ok(r, argv,
                   "check the registry address (images.registry) and that you are logged in "
                   "(`" +
                       std::string(program()) + " login <registry>`)");
  if (kind_ == EngineKind::docker) {
    const auto line = r.out.rfind("digest: ");
    return line == std::string::npos ? std::nullopt : manifest_digest(r.out.substr(line));
  }
  std::ifstream in(scratch);
  std::stringstream text;
  text << in.rdbuf();
  return manifest_digest(text.str());
}

std::vector<Container> Engine::containers(const std::string& project) {
  const std::string filter = "label=com.docker.compose.project=" + project;
  std::vector<std::string> args = {"ps", "-a", "--filter", filter, "--format"};
  args.push_back(kind_ == EngineKind::podman ? "json" : kDockerPsFormat);
  auto r = run(args, 30s);
  std::vector<std::string> argv = args;
  argv.insert(argv.begin(), program());
  core::require_ok(r, argv);
  return kind_ == EngineKind::podman ? parse_podman_ps(r.out) : parse_docker_ps(r.out);
}

std::pair<bool, std::string> Engine::health(const Container& c) {
  if (kind_ == EngineKind::docker) {
    if (c.status.find("(healthy)") != std::string::npos) return {true, "healthy"};
    if (c.status.find("(unhealthy)") != std::string::npos) return {false, "unhealthy"};
    if (c.status.find("health: starting") != std::string::npos)
      return {false, "starting (first check not run yet)"};
    return {true, "no HEALTHCHECK in this image"};
  }
  auto r = run({"healthcheck", "run", c.name}, 30s);
  if (r.ok()) return {true, "HEALTHCHECK command passes (podman healthcheck run)"};
  if (r.exit_code == 1) return {false, "HEALTHCHECK command fails: unhealthy"};
  std::string why = core::tail_lines(r.err.empty() ? r.out : r.err, 1);
  if (why.find("no defined healthcheck") != std::string::npos)
    return {true, "no HEALTHCHECK in this image"};
  return {false, why.empty() ? r.describe() : why};
}

std::string human_size(long long bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

}  // namespace boutique::images
