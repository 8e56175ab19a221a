#include "commands/version.hpp"

#include <boutique/build_info.hpp>

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace boutique::commands {

std::string version_line() {
  return fmt::format("boutique {} (commit {})", build::version(), build::commit());
}

CLI::App* setup_version(CLI::App& app, VersionOptions& /*opts*/) {
  auto* sub =
      app.add_subcommand("version", "Print the version and the git commit it was built from");
  sub->footer("Examples:\n  boutique version\n  boutique version -o json");
  return sub;
}

int run_version(const VersionOptions& /*opts*/, bool json) {
  if (json)
    std::printf("%s\n", nlohmann::json{{"name", "boutique"},
                                       {"version", build::version()},
                                       {"commit", build::commit()}}
                            .dump()
                            .c_str());
  else
    std::printf("%s\n", version_line().c_str());
  return 0;
}

}  // namespace boutique::commands
