#pragma once
// Podman's Docker-compatible API socket, for Compose (docker-compose v1 or the v2 plugin talk to
// it through DOCKER_HOST). The system socket (/run/podman/podman.sock, podman.socket under
// systemd) is used when it answers; otherwise `boutique` runs its own `podman system service`
// with the socket and pid file in <state>/compose/, started by `up` (or `logs`/`down` when they
// need it) and stopped by `down`.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "core/context.hpp"

namespace boutique::targets::compose {

class PodmanSocket {
 public:
  PodmanSocket(core::Context& ctx, std::filesystem::path dir);
  static constexpr const char* kSystemSocket = "/run/podman/podman.sock";

  // Does a Docker-compatible API answer GET /_ping with OK on this socket?
  static bool answers(const std::filesystem::path& socket);
  std::filesystem::path own_socket() const;
  std::filesystem::path log() const { return dir_ / "podman-service.log"; }
  // Our service, when it is alive (pid file + start time).
  std::optional<pid_t> pid() const;

  // The socket in use now without starting anything: the system's, else ours; empty if none.
  std::optional<std::filesystem::path> current() const;
  // current(), or starts our service and waits (deadline) until it answers. `started` tells.
  std::filesystem::path ensure(bool& started, std::chrono::seconds deadline);
  // Stops our service (SIGTERM, then SIGKILL after `grace`) and removes its socket. No-op when
  // it is not running; never touches the system socket.
  bool stop(std::chrono::milliseconds grace);

 private:
  std::filesystem::path pid_file() const { return dir_ / "podman.pid"; }
  core::Context& ctx_;
  std::filesystem::path dir_;
};

}  // namespace boutique::targets::compose
