#pragma once
// `boutique doctor`: the tools a target needs, found or not, version, and the one-line fix.
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"

namespace boutique::targets {

std::vector<core::Check> doctor_checks(const std::string& target, core::Context& ctx);

}  // namespace boutique::targets
