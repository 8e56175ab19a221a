#pragma once
// The rows of `boutique doctor` (Target::prerequisites): a program found on PATH or not, its
// version.
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"

namespace boutique::targets {

// First line of `argv`'s output (stdout, else stderr), or empty when it cannot run.
std::string first_line(core::ProcessRunner& runner, const std::vector<std::string>& argv);

// A "found" row for the program version_argv[0] (also looked for in /usr/sbin): its version line
// and path, or "not found" with `fix`.
core::Check tool(core::Context& ctx, const std::string& name,
                 const std::vector<std::string>& version_argv, const std::string& fix,
                 bool required = true);

}  // namespace boutique::targets
