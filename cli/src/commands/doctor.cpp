#include "commands/doctor.hpp"

#include "commands/print_checks.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_doctor(CLI::App& app, DoctorOptions& /*opts*/) {
  auto* sub =
      app.add_subcommand("doctor", "Check that the tools the selected target needs are installed");
  sub->footer(
      "Each row: the tool, found or not, its version, and the one-line fix (Debian package or\n"
      "command). Exit 3 when a required tool is missing.\n\n"
      "Examples:\n  boutique doctor\n  boutique doctor --target compose -o json");
  return sub;
}

int run_doctor(const DoctorOptions& /*opts*/, core::Context& ctx) {
  auto target = targets::make_target(ctx);
  auto checks = target->prerequisites();
  print_checks(ctx, checks, target->name());
  return core::all_ok(checks) ? 0 : static_cast<int>(core::ExitCode::missing_prereq);
}

}  // namespace boutique::commands
