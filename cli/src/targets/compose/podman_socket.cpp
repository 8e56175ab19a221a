#include "targets/compose/podman_socket.hpp"

#include <signal.h>

#include <functional>
#include <thread>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/http.hpp"
#include "core/interrupt.hpp"
#include "core/pids.hpp"
#include "state/state_dir.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::compose {

PodmanSocket::PodmanSocket(core::Context& ctx, fs::path dir) : ctx_(ctx), dir_(std::move(dir)) {}

bool PodmanSocket::answers(const fs::path& socket) {
  if (!fs::exists(socket)) return false;
  core::HttpRequest req;
  req.url = "http://d/_ping";
  req.unix_socket = socket.string();
  req.timeout = 2s;
  auto r = core::http_request(req);
  return r.ok() && r.body == "OK";
}

fs::path PodmanSocket::own_socket() const {
  fs::path s = dir_ / "podman.sock";
  // A unix socket path has at most 107 bytes: fall back to /tmp for a deep state dir.
  if (s.string().size() > 100)
    s = fmt::format("/tmp/boutique-podman-{:016x}.sock", std::hash<std::string>{}(s.string()));
  return s;
}

std::optional<pid_t> PodmanSocket::pid() const {
  return core::read_live_pid(pid_file());
}

std::optional<fs::path> PodmanSocket::current() const {
  if (answers(kSystemSocket)) return fs::path(kSystemSocket);
  if (pid() && answers(own_socket())) return own_socket();
  return std::nullopt;
}

fs::path PodmanSocket::ensure(bool& started, std::chrono::seconds deadline) {
  started = false;
  if (auto s = current()) return *s;
  if (pid()) stop(5s);  // alive but not answering: start afresh
  // podman.sock is root-equivalent when podman runs as root: owner only.
  state::make_private_dir(dir_, false);
  const fs::path sock = own_socket();
  std::error_code ec;
  fs::remove(sock, ec);
  auto step = ctx_.progress->step("Starting podman's Docker-compatible API on " + sock.string());
  // CONTAINERS_CONF and the rest of our environment are inherited: the containers it creates get
  // the same runtime and limits as `podman run` would.
  pid_t p = ctx_.runner->spawn_detached(
      {{"podman", "system", "service", "--time=0", "unix://" + sock.string()}, {}, {}, log()});
  core::write_pid_file(pid_file(), p);
  started = true;
  const auto end = Clock::now() + deadline;
  while (!answers(sock)) {
    if (!core::process_alive(p)) {
      step.fail();
      throw core::CommandFailed(
          fmt::format("`podman system service` stopped at once. Last lines of {}:\n{}",
                      log().string(), core::tail_lines(core::read_text(log()).value_or(""), 10)),
          "check `podman info`; `boutique doctor --target compose`");
    }
    if (Clock::now() >= end || core::interrupted()) {
      step.fail();
      stop(2s);
      core::throw_if_interrupted();
      throw core::TimeoutError(fmt::format("podman's API did not answer on {} within {} s",
                                           sock.string(), deadline.count()),
                               "see " + log().string());
    }
    std::this_thread::sleep_for(50ms);
  }
  step.done(fmt::format("pid {}", p));
  return sock;
}

bool PodmanSocket::stop(std::chrono::milliseconds grace) {
  auto p = pid();
  std::error_code ec;
  if (p) core::stop_process(*p, SIGTERM, grace);
  fs::remove(pid_file(), ec);
  fs::remove(own_socket(), ec);
  return p.has_value();
}

}  // namespace boutique::targets::compose
