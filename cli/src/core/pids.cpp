#include "core/pids.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/files.hpp"

namespace fs = std::filesystem;

namespace boutique::core {

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) return false;  // our child, now reaped
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  auto stat = read_text(fmt::format("/proc/{}/stat", pid));
  if (!stat) return false;
  auto close = stat->rfind(')');
  return close == std::string::npos || close + 2 >= stat->size() || (*stat)[close + 2] != 'Z';
}

std::vector<std::string> process_cmdline(pid_t pid) {
  auto raw = read_text(fmt::format("/proc/{}/cmdline", pid));
  std::vector<std::string> out;
  if (!raw) return out;
  std::string cur;
  for (char c : *raw) {
    if (c == '\0') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool process_matches(pid_t pid, const std::string& needle) {
  for (const auto& a : process_cmdline(pid))
    if (a.find(needle) != std::string::npos) return true;
  return false;
}

bool stop_process(pid_t pid, int sig, std::chrono::milliseconds grace) {
  auto wait_gone = [pid](std::chrono::milliseconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (process_alive(pid)) {
      if (std::chrono::steady_clock::now() >= end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  };
  if (!process_alive(pid)) return true;
  ::kill(pid, sig);
  if (wait_gone(grace)) return true;
  ::kill(pid, SIGKILL);
  return wait_gone(std::chrono::seconds(5));
}

std::optional<pid_t> read_pid_file(const fs::path& p) {
  auto t = read_text(p);
  if (!t) return std::nullopt;
  std::istringstream in(*t);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

std::optional<unsigned long long> process_start_time(pid_t pid) {
  auto stat = read_text(fmt::format("/proc/{}/stat", pid));
  if (!stat) return std::nullopt;
  auto close = stat->rfind(')');  // the command name may contain spaces and parentheses
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(stat->substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && in >> field; ++i)
    if (i == 22) return std::stoull(field);
  return std::nullopt;
}

void write_pid_file(const fs::path& p, pid_t pid) {
  auto start = process_start_time(pid);
  write_text(p, start ? fmt::format("{}\n{}\n", pid, *start) : fmt::format("{}\n", pid));
}

std::optional<pid_t> read_live_pid(const fs::path& p) {
  auto t = read_text(p);
  if (!t) return std::nullopt;
  std::istringstream in(*t);
  long pid = 0;
  unsigned long long start = 0;
  if (!(in >> pid) || pid <= 0 || !process_alive(static_cast<pid_t>(pid))) return std::nullopt;
  if (in >> start && process_start_time(static_cast<pid_t>(pid)) != start) return std::nullopt;
  return static_cast<pid_t>(pid);
}

}  // namespace boutique::core
