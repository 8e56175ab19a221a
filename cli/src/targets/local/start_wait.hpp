#pragma once
// Waiting for a part the local target started: ready, dead (with its log's last lines) or late.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "core/context.hpp"

namespace boutique::targets::local {

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

}  // namespace boutique::targets::local
