#pragma once
// How a command prints a list of checks in the chosen format (table or JSON).
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"

namespace boutique::commands {

inline void print_checks(const core::Context& ctx, const std::vector<core::Check>& checks,
                         const std::string& target) {
  ctx.print(ctx.format == core::Format::json ? core::render_checks_json(checks, target)
                                             : core::render_checks_table(checks, ctx.color));
}

}  // namespace boutique::commands
