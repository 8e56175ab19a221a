#include "support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"

extern char** environ;

namespace boutique::it {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::runtime_error sys_error(const std::string& what, int err) {
  return std::runtime_error(what + ": " + std::strerror(err));
}

// argv/envp as the NULL-terminated char* arrays posix_spawn wants; the strings must outlive them.
std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

// environ minus what `drop` says, plus `add` (later entries win), as NAME=VALUE strings.
template <class Drop>
std::vector<std::string> make_env(Drop drop, const EnvVars& add) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view kv(*e);
    const std::string_view name = kv.substr(0, kv.find('='));
    bool overridden = drop(name);
    for (const auto& [n, v] : add) overridden = overridden || n == name;
    if (!overridden) env.emplace_back(kv);
  }
  for (size_t i = 0; i < add.size(); ++i) {
    bool later = false;
    for (size_t j = i + 1; j < add.size(); ++j) later = later || add[j].first == add[i].first;
    if (!later) env.push_back(add[i].first + "=" + add[i].second);
  }
  return env;
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
  std::array<int, 2> out_pipe{};
  std::array<int, 2> err_pipe{};
  if (pipe2(out_pipe.data(), O_CLOEXEC) != 0 || pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    throw sys_error("pipe2", errno);
  }
  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(actions.get(), err_pipe[1], 2);
  std::vector<std::string> args = argv;
  auto c_args = c_strings(args);
  auto env = make_env([](std::string_view) { return false; }, extra_env);
  auto c_env = c_strings(env);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, c_args[0], actions.get(), nullptr, c_args.data(), c_env.data());
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw sys_error("posix_spawnp " + argv.at(0), rc);
  }

  CommandResult result;
  std::array<pollfd, 2> fds{{{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  const auto deadline = Clock::now() + timeout;
  bool timed_out = false;
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      std::array<char, 4096> buf{};
      const ssize_t n = read(fds[i].fd, buf.data(), buf.size());
      if (n > 0) {
        sinks[i]->append(buf.data(), static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
  }
  for (const auto& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = !timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
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
  auto env = make_env(
      [](std::string_view name) {
        return name.rfind("BOUTIQUE_", 0) == 0 || name == "DATABASE_URL" || name == "PORT";
      },
      vars);

  std::vector<std::string> args{config_.executable};
  args.insert(args.end(), config_.args.begin(), config_.args.end());
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);

  FileActions actions;
  const std::string log = config_.log_path.string();
  posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(actions.get(), 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(actions.get(), 1, 2);
  const int rc = posix_spawn(&pid_, c_args[0], actions.get(), nullptr, c_args.data(), c_env.data());
  if (rc != 0) throw sys_error("posix_spawn " + config_.executable, rc);
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
