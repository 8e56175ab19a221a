// Child processes for the integration tests, through the CLI's own ProcessRunner (cli/src/core:
// argv vector, never a shell, the same spawning code as `boutique up`): run_command() for helper
// scripts, ApiProcess for the real boutique-api under test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace boutique::it {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal or the timeout
  std::string out;
  std::string err;
};

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Runs argv[0] (looked up in PATH) with the current environment plus `env` (which wins);
// kills it after `timeout`.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::seconds timeout = std::chrono::seconds(120),
                          const EnvVars& env = {});

// The boutique-api built with these tests.
std::string api_binary();

// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it back, close).
int find_free_port();

struct ApiConfig {
  std::string executable = {};  // empty: the boutique-api built with the tests
  std::string database_url = {};
  std::filesystem::path log_path = {};
  int port = 0;      // 0: find a free one
  EnvVars env = {};  // BOUTIQUE_* etc., and overrides of DATABASE_URL, PORT, BOUTIQUE_BIND
  std::vector<std::string> args = {};
};

// The real boutique-api, its stdout and stderr appended to log_path. The destructor stops it
// (SIGTERM, SIGKILL after 5 s) and reaps it.
class ApiProcess {
 public:
  explicit ApiProcess(ApiConfig config);
  ~ApiProcess();
  ApiProcess(const ApiProcess&) = delete;
  ApiProcess& operator=(const ApiProcess&) = delete;

  // Polls GET /healthz until 200; throws (with the log) when the deadline passes or the process
  // exits.
  void wait_healthy(std::chrono::milliseconds deadline = std::chrono::seconds(30));
  // The same for GET /readyz (database reachable, migrations applied).
  void wait_ready(std::chrono::milliseconds deadline = std::chrono::seconds(30));

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }

  bool running();  // false once the process has exited (reaps it)
  void signal(int sig) const;
  // Waits for the process to exit within `deadline`; the wait status when it did.
  std::optional<int> wait_exit(std::chrono::milliseconds deadline);
  // SIGTERM, then SIGKILL after `grace`; returns the wait status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  const std::filesystem::path& log_path() const { return config_.log_path; }
  size_t log_size() const;
  std::string log(size_t from = 0) const;

 private:
  void wait_for_200(const std::string& path, std::chrono::milliseconds deadline);

  ApiConfig config_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::optional<int> wait_status_;
};

// "exit 0", "exit 3", "killed by signal 9" for a wait status.
std::string describe_wait_status(int status);

}  // namespace boutique::it
