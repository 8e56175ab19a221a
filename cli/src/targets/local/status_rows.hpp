#pragma once
// The "process" and "port" rows every local part shows in `boutique status`.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/output.hpp"

namespace boutique::targets::local {

// Appends the "process" and "port" rows of one part; returns whether the port accepts.
bool add_process_and_port(std::vector<core::Check>& out, const std::string& component,
                          const std::string& program, std::optional<pid_t> pid,
                          const std::string& host, int port, const std::string& hint);

}  // namespace boutique::targets::local
