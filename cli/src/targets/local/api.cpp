#include "targets/local/api.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "probes/ports.hpp"
#include "probes/stack.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::local {

Api::Api(core::Context& ctx, const Layout& layout) : ctx_(ctx), layout_(layout) {}

int Api::port() const {
  return ctx_.config.integer("ports.api");
}

std::string Api::base_url() const {
  return local_url(ctx_, port());
}

fs::path Api::binary() const {
  fs::path configured = ctx_.config.path("local.api_binary");
  if (!configured.empty()) return configured;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(self.parent_path() / "boutique-api"))
    return self.parent_path() / "boutique-api";
  return layout_.root / "build" / "bin" / "boutique-api";
}

std::optional<pid_t> Api::pid() const {
  return core::read_live_pid(pid_file());
}

bool Api::binary_replaced(pid_t pid) const {
  std::error_code ec;
  std::string exe = fs::read_symlink(fmt::format("/proc/{}/exe", pid), ec).string();
  const std::string deleted = " (deleted)";
  return !ec && exe.size() > deleted.size() &&
         exe.compare(exe.size() - deleted.size(), deleted.size(), deleted) == 0;
}

pid_t Api::start(const std::map<std::string, std::string>& env) {
  fs::path bin = binary();
  if (::access(bin.c_str(), X_OK) != 0)
    throw core::MissingPrerequisite(
        fmt::format("the API binary {} is missing (or not executable)", bin.string()),
        "build it: make  (or cmake --build build --target boutique-api), or set local.api_binary");
  probes::require_port_free(ctx_.config.str("local.bind"), port(), "ports.api", "BOUTIQUE_API_PORT",
                            "API");
  pid_t p = ctx_.runner->spawn_detached({{bin.string()}, env, layout_.root, log()});
  core::write_pid_file(pid_file(), p);
  return p;
}

void Api::wait_ready(Clock::time_point deadline) {
  wait_http_ready(ctx_, "the API", base_url(), "/readyz", pid_file(), log(), deadline);
}

void Api::stop(std::chrono::milliseconds grace) {
  auto p = pid();
  if (p && !core::stop_process(*p, SIGTERM, grace))
    throw core::TimeoutError(fmt::format("the API (pid {}) did not stop", *p));
  std::error_code ec;
  fs::remove(pid_file(), ec);
}

std::vector<core::Check> Api::checks() {
  std::vector<core::Check> out;
  bool listening = add_process_and_port(
      out, "api", "boutique-api", pid(), probe_host(ctx_.config.str("local.bind")), port(),
      "run `boutique up` (restarts only what is down); see `boutique logs api`");
  auto http =
      probes::api_checks({listening ? base_url() : "", "", "port closed", ""}, layout_.root);
  out.insert(out.end(), http.begin(), http.end());
  return out;
}

}  // namespace boutique::targets::local
