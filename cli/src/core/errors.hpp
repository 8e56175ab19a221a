#pragma once
// The CLI's exception hierarchy. Every failure a command can report is one of these; main() is the
// one place that turns them into a message and a documented exit code (docs/cli.md). CLI11 keeps
// 100-127 for command-line parse errors.
#include <stdexcept>
#include <string>
#include <utility>

namespace boutique::core {

enum class ExitCode : int {
  ok = 0,
  unhealthy = 1,       // a status check failed
  usage = 2,           // bad configuration or invalid arguments found after parsing
  missing_prereq = 3,  // a required tool, binary or user is missing
  command_failed = 4,  // an external program failed
  timeout = 5,         // a deadline passed (health wait, stop, external command)
  conflict = 6,        // a port is taken by another program, or another boutique run holds the lock
  not_implemented = 7,  // the selected target is not available in this version
  aborted = 8,          // the user declined a confirmation
  internal = 70,        // a bug: an unexpected exception
};

// Base: a message for the user, an optional hint saying what to do next, and an exit code.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}
  ExitCode code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ExitCode code_;
  std::string hint_;
};

struct UnhealthyError : Error {
  explicit UnhealthyError(std::string m, std::string h = {})
      : Error(ExitCode::unhealthy, std::move(m), std::move(h)) {}
};
struct ConfigError : Error {
  explicit ConfigError(std::string m, std::string h = {})
      : Error(ExitCode::usage, std::move(m), std::move(h)) {}
};
struct MissingPrerequisite : Error {
  explicit MissingPrerequisite(std::string m, std::string h = {})
      : Error(ExitCode::missing_prereq, std::move(m), std::move(h)) {}
};
struct CommandFailed : Error {
  explicit CommandFailed(std::string m, std::string h = {})
      : Error(ExitCode::command_failed, std::move(m), std::move(h)) {}
};
struct TimeoutError : Error {
  explicit TimeoutError(std::string m, std::string h = {})
      : Error(ExitCode::timeout, std::move(m), std::move(h)) {}
};
struct ConflictError : Error {
  explicit ConflictError(std::string m, std::string h = {})
      : Error(ExitCode::conflict, std::move(m), std::move(h)) {}
};
struct NotImplemented : Error {
  explicit NotImplemented(std::string m, std::string h = {})
      : Error(ExitCode::not_implemented, std::move(m), std::move(h)) {}
};
struct Aborted : Error {
  explicit Aborted(std::string m, std::string h = {})
      : Error(ExitCode::aborted, std::move(m), std::move(h)) {}
};

}  // namespace boutique::core
