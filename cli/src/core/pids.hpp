#pragma once
// The processes boutique starts: alive or not (a recycled pid is not ours), stopped with a grace
// period, recorded in pid files with their start time.
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

}  // namespace boutique::core
