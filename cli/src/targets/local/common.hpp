#pragma once
// Helpers shared by the local target's parts (db, api, web): ports, start-up waits, the
// process/port rows of `status`.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"

namespace boutique::targets::local {

// Probe host for a bind address: 0.0.0.0 is probed on loopback.
std::string probe_host(const std::string& bind);

// http://<probe host of local.bind>:<port>
std::string local_url(const core::Context& ctx, int port);

// Waits until `ready()`; throws CommandFailed (the process `pid` died: with the tail of `log`)
// or TimeoutError (`deadline` passed). Polls every 50 ms.
void wait_until(const std::function<bool()>& ready, pid_t pid, const std::string& what,
                std::chrono::steady_clock::time_point deadline, const std::filesystem::path& log,
                const std::function<std::string()>& last_error);

// A progress step "Waiting for <what> on <url>" that polls GET <url><path> until 2xx, for the
// process recorded in `pid_file`. Returns that pid.
pid_t wait_http_ready(core::Context& ctx, const std::string& what, const std::string& url,
                      const std::string& path, const std::filesystem::path& pid_file,
                      const std::filesystem::path& log,
                      std::chrono::steady_clock::time_point deadline);

// Appends the "process" and "port" rows of one part; returns whether the port accepts.
bool add_process_and_port(std::vector<core::Check>& out, const std::string& component,
                          const std::string& program, std::optional<pid_t> pid,
                          const std::string& host, int port, const std::string& hint);

}  // namespace boutique::targets::local
