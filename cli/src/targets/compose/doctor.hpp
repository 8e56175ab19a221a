#pragma once
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"

namespace boutique::targets::compose {

// The compose target's rows of `boutique doctor`, appended to `out`.
void doctor_checks(core::Context& ctx, std::vector<core::Check>& out);

}  // namespace boutique::targets::compose
