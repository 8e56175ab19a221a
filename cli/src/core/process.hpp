#pragma once
// The one way the CLI runs external programs: an argv vector (never a shell string), an optional
// timeout that kills the whole process group, extra environment, captured stdout/stderr, exit
// status. ProcessRunner is an interface so tests can inject a scripted fake (see
// tests/fake_runner.hpp).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"

namespace boutique::core {

struct Command {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // added to (or replacing in) the inherited environment
  std::filesystem::path cwd;               // empty: the current directory
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // zero: no timeout
  std::string input;                                            // written to the child's stdin
  // Inherited variables not passed on: a name, or a prefix ending in '*' ("BOUTIQUE_*").
  std::vector<std::string> unset_env = {};
};

struct Result {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that ended it, 0 when it exited
  bool timed_out = false;
  std::string out, err;
  std::chrono::milliseconds elapsed{0};
  bool ok() const { return !timed_out && signal == 0 && exit_code == 0; }
  std::string describe() const;  // "exit code 3", "killed by signal 9", "timed out after 2.0 s"
};

// A program that keeps running after the CLI exits: own session (setsid), stdin from /dev/null,
// stdout and stderr appended to `log`.
struct DetachedCommand {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::filesystem::path cwd;
  std::filesystem::path log;
  std::vector<std::string> unset_env = {};  // as in Command
};

// A program the CLI keeps running while it needs it (`kubectl port-forward`): its own process
// group, stdin from /dev/null, stdout and stderr on one pipe, read line by line. Destroying the
// handle ends the group (SIGTERM, SIGKILL after 2 s) and reaps it: nothing outlives the handle.
class Running {
 public:
  virtual ~Running() = default;
  // The next line of output (without its newline), waiting at most `timeout`; nullopt when none
  // came in time, or when the program ended and all its output was read.
  virtual std::optional<std::string> read_line(std::chrono::milliseconds timeout) = 0;
  // Whether it still runs.
  virtual bool running() = 0;
  // How it ended: its exit code, -1 when a signal ended it; nullopt while it runs.
  virtual std::optional<int> exit_code() = 0;
  // Sends SIGINT to its process group, as Ctrl-C in a terminal would.
  virtual void interrupt() = 0;
  // Every line read so far, for error messages.
  virtual const std::string& transcript() const = 0;
};

// A program that could not be started at all (not found, not executable).
struct ProgramNotFound : MissingPrerequisite {
  explicit ProgramNotFound(std::string m, std::string h = {})
      : MissingPrerequisite(std::move(m), std::move(h)) {}
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual Result run(const Command& cmd) = 0;
  // Like run(), but the child writes to our stdout/stderr (`logs -f`): nothing is captured.
  virtual Result run_attached(const Command& cmd) { return run(cmd); }
  virtual pid_t spawn_detached(const DetachedCommand& cmd) = 0;
  // Starts a program that runs alongside the CLI (cmd.timeout and cmd.input are not used).
  virtual std::unique_ptr<Running> start(const Command& cmd) = 0;
};

class PosixProcessRunner final : public ProcessRunner {
 public:
  // `trace` (when set) receives every command line before it runs: --verbose.
  explicit PosixProcessRunner(std::function<void(const std::string&)> trace = {})
      : trace_(std::move(trace)) {}
  Result run(const Command& cmd) override { return run(cmd, false); }
  Result run_attached(const Command& cmd) override { return run(cmd, true); }
  pid_t spawn_detached(const DetachedCommand& cmd) override;
  std::unique_ptr<Running> start(const Command& cmd) override;

 private:
  Result run(const Command& cmd, bool attached);
  std::function<void(const std::string&)> trace_;
};

// The argv as a copy-pasteable shell line (quoted where needed), for logs and errors.
std::string display(const std::vector<std::string>& argv);
// Searches PATH like execvp would; empty when not found. A name with a '/' is checked as is.
std::filesystem::path find_program(const std::string& name);
// Throws CommandFailed naming the command, how it ended and the tail of its stderr, unless ok().
const Result& require_ok(const Result& r, const std::vector<std::string>& argv,
                         const std::string& hint = {});
// Last `lines` lines of text (for error messages).
std::string tail_lines(const std::string& text, std::size_t lines);

}  // namespace boutique::core
