#pragma once
// The compose target: the images from `boutique build` run by Compose (docker compose v2,
// docker-compose v1, or either through podman's Docker-compatible socket). Health is probed over
// HTTP, never taken from Compose (its healthchecks do not run under podman here).
//   <state>/compose/            lock, admin_password (0600), compose.yaml (the copy without
//                               ports:, host networking), podman.sock, podman.pid,
//                               podman-service.log
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "images/engine.hpp"
#include "targets/compose/podman_socket.hpp"
#include "targets/compose/project.hpp"
#include "targets/target.hpp"

namespace boutique::targets::compose {

class ComposeTarget final : public Target {
 public:
  explicit ComposeTarget(core::Context& ctx);
  std::string name() const override { return "compose"; }
  UpSummary up(const UpOptions& opts) override;
  void down(const DownOptions& opts) override;
  std::vector<core::Check> status() override;
  void logs(const LogsOptions& opts) override;
  std::vector<core::Check> prerequisites() override;
  std::vector<state::Secret> secrets() const override;
  // The db service's own client programs through `compose exec -T` (database.cpp).
  std::unique_ptr<Database> database() override;

  std::string api_url() const;
  std::string web_url() const;

 private:
  images::EngineKind engine();
  const ComposeProgram& program();
  const std::string& tag();
  // DOCKER_HOST for Compose: podman's socket (started when `start`), nothing for docker.
  void connect(bool start, bool& started);
  // The values compose.yaml and its override interpolate (ports, tag, admin account...).
  std::map<std::string, std::string> compose_env();
  core::Result compose(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                       bool inherit_output = false, std::string input = {});
  core::Result compose_ok(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                          const std::string& hint);
  std::string admin_password();
  void build_other_services();
  friend class ServiceDatabase;
  void wait_healthy(const std::vector<std::string>& services,
                    std::chrono::steady_clock::time_point deadline);

  core::Context& ctx_;
  std::filesystem::path dir_;  // <state>/compose
  PodmanSocket socket_;
  std::optional<images::EngineChoice> engine_;
  std::optional<ComposeProgram> program_;
  std::optional<std::string> tag_;
  std::optional<ComposeFiles> files_;
  std::string docker_host_;
  std::string admin_password_;
};

}  // namespace boutique::targets::compose
