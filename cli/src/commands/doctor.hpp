#pragma once
#include <CLI/CLI.hpp>

#include "core/context.hpp"

namespace boutique::commands {

struct DoctorOptions {};
CLI::App* setup_doctor(CLI::App& app, DoctorOptions& opts);
// Exit 0 when every required tool is there, 3 otherwise.
int run_doctor(const DoctorOptions& opts, core::Context& ctx);

}  // namespace boutique::commands
