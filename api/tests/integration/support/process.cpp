#include "support/process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/process.hpp"
#include "support/http_client.hpp"

namespace boutique::it {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::runtime_error sys_error(const std::string& what, int err) {
  return std::runtime_error(what + ": " + std::strerror(err));
}

// Later entries win, as in the environment they describe.
std::map<std::string, std::string> env_map(const EnvVars& vars) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : vars) out[name] = value;
  return out;
}

// Reaps `pid` if it has exited; its wait status then.
std::optional<int> try_reap(pid_t pid) {
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == pid) return status;
  return std::nullopt;
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

std::string api_binary() {
  return BOUTIQUE_IT_API_BIN;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                          const EnvVars& extra_env) {
  core::Command cmd;
  cmd.argv = argv;
  cmd.env = env_map(extra_env);
  cmd.timeout = timeout;
  const auto r = core::PosixProcessRunner().run(cmd);
  return {r.timed_out ? -1 : r.exit_code, r.out, r.err};
}

// Below the kernel's ephemeral range (32768-60999 here): a port handed out for port 0 comes from
// that range, where a client connection's local end can take it before the server binds it (the
// hostile suite holds thousands of connections while other suites start servers).
int find_free_port() {
  static std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> dist(20000, 32000);
  for (int attempt = 0; attempt < 500; ++attempt) {
    const int port = dist(rng);
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw sys_error("socket", errno);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (bound) return port;
  }
  throw std::runtime_error("no free TCP port in 20000-32000 on 127.0.0.1");
}

ApiProcess::ApiProcess(ApiConfig config) : config_(std::move(config)) {
  if (config_.executable.empty()) config_.executable = api_binary();
  port_ = config_.port != 0 ? config_.port : find_free_port();

  // Hermetic environment: the parent's, minus anything that configures the API, plus ours.
  EnvVars vars{{"DATABASE_URL", config_.database_url},
               {"PORT", std::to_string(port_)},
               {"BOUTIQUE_BIND", "127.0.0.1"}};
  vars.insert(vars.end(), config_.env.begin(), config_.env.end());
  core::DetachedCommand cmd;
  cmd.argv = {config_.executable};
  cmd.argv.insert(cmd.argv.end(), config_.args.begin(), config_.args.end());
  cmd.env = env_map(vars);
  cmd.unset_env = {"BOUTIQUE_*", "DATABASE_URL", "PORT"};
  cmd.log = config_.log_path;
  pid_ = core::PosixProcessRunner().spawn_detached(cmd);
}

ApiProcess::~ApiProcess() {
  if (pid_ > 0 && !wait_status_) stop();
}

bool ApiProcess::running() {
  if (wait_status_) return false;
  wait_status_ = try_reap(pid_);
  return !wait_status_;
}

void ApiProcess::signal(int sig) const {
  if (pid_ > 0 && !wait_status_) kill(pid_, sig);
}

std::optional<int> ApiProcess::wait_exit(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (running() && Clock::now() < until) std::this_thread::sleep_for(kPollInterval);
  return wait_status_;
}

int ApiProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return *wait_status_;
  signal(SIGTERM);
  if (!wait_exit(grace)) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    wait_status_ = status;
  }
  return *wait_status_;
}

void ApiProcess::wait_healthy(std::chrono::milliseconds deadline) {
  wait_for_200("/healthz", deadline);
}

void ApiProcess::wait_ready(std::chrono::milliseconds deadline) {
  wait_for_200("/readyz", deadline);
}

void ApiProcess::wait_for_200(const std::string& path, std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  HttpClient client(base_url());
  client.set_timeout(std::chrono::seconds(2));
  std::string last = "no answer yet";
  while (Clock::now() < until) {
    if (!running()) {
      throw std::runtime_error("boutique-api exited during start-up (" +
                               describe_wait_status(*wait_status_) + "); log:\n" + this->log());
    }
    try {
      const Response r = client.get(path);
      if (r.status == 200) return;
      last = r.describe();
    } catch (const TransportError& e) {
      last = e.what();
    }
    std::this_thread::sleep_for(kPollInterval * 5);
  }
  throw std::runtime_error("boutique-api: GET " + path + " not 200 after " +
                           std::to_string(deadline.count()) + " ms (last: " + last + "); log:\n" +
                           this->log());
}

size_t ApiProcess::log_size() const {
  std::error_code ec;
  const auto size = std::filesystem::file_size(config_.log_path, ec);
  return ec ? 0 : static_cast<size_t>(size);
}

std::string ApiProcess::log(size_t from) const {
  std::ifstream in(config_.log_path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace boutique::it
