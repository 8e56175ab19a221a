#pragma once
// Thin, testable wrappers over the OS facts the targets need: processes, pid files, ports,
// secrets on disk, users, a lock file.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace boutique::core {

// Alive and not a zombie. Reaps `pid` if it is our own exited child.
bool process_alive(pid_t pid);
// argv of a running process from /proc (empty when gone or unreadable).
std::vector<std::string> process_cmdline(pid_t pid);
// True when any argv element of `pid` contains `needle` (guards against a recycled pid).
bool process_matches(pid_t pid, const std::string& needle);
// SIGTERM-like `sig`, wait up to `grace`, then SIGKILL and wait again. True when it ended.
bool stop_process(pid_t pid, int sig, std::chrono::milliseconds grace);

// Start time of a process (clock ticks since boot, /proc/PID/stat field 22): with the pid it
// identifies one process for good, even after the pid is recycled.
std::optional<unsigned long long> process_start_time(pid_t pid);

std::optional<pid_t> read_pid_file(const std::filesystem::path& p);
// "PID\nSTARTTIME\n": the first line is a plain pid file for other tools.
void write_pid_file(const std::filesystem::path& p, pid_t pid);
// The pid in a file written by write_pid_file when that very process is still alive.
std::optional<pid_t> read_live_pid(const std::filesystem::path& p);

// Can we bind address:port right now? (SO_REUSEADDR, like the servers we start.)
bool port_free(const std::string& address, int port);
// Does something accept TCP connections on host:port?
bool port_accepts(const std::string& host, int port, std::chrono::milliseconds timeout);
// "pid 1234 (nginx)" for the process listening on `port`, when /proc tells (needs root for
// other users' processes); empty otherwise.
std::string port_owner(int port);

std::string random_secret(std::size_t length);  // [A-Za-z0-9] from /dev/urandom
std::optional<std::string> read_text(const std::filesystem::path& p);
// Writes atomically (temp file + rename) with the given permissions.
void write_text(const std::filesystem::path& p, const std::string& content,
                std::filesystem::perms mode = std::filesystem::perms(0644));

bool is_root();
struct UserInfo {
  uid_t uid;
  gid_t gid;
  std::string name;
};
std::optional<UserInfo> lookup_user(const std::string& name);
void chown_recursive(const std::filesystem::path& p, uid_t uid, gid_t gid);

// An exclusive advisory lock on a file, released by the destructor (or at process exit).
class FileLock {
 public:
  // Throws ConflictError when another process holds it.
  explicit FileLock(const std::filesystem::path& p, const std::string& what);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace boutique::core
