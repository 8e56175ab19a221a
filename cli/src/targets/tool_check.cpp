#include "targets/tool_check.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets {

std::string first_line(core::ProcessRunner& runner, const std::vector<std::string>& argv) {
  try {
    auto r = runner.run({argv, {}, {}, 10s, {}});
    const std::string& text = r.out.empty() ? r.err : r.out;
    return r.ok() ? text.substr(0, text.find('\n')) : std::string();
  } catch (const core::Error&) {
    return {};
  }
}

core::Check tool(core::Context& ctx, const std::string& name,
                 const std::vector<std::string>& version_argv, const std::string& fix,
                 bool required) {
  fs::path p = core::find_program(version_argv.front());
  if (p.empty() && fs::exists("/usr/sbin/" + version_argv.front()))
    p = "/usr/sbin/" + version_argv.front();
  if (p.empty()) return {name, "found", false, "not found", fix, required};
  auto argv = version_argv;
  argv[0] = p.string();
  std::string v = first_line(*ctx.runner, argv);
  return {name, "found", true, v.empty() ? p.string() : fmt::format("{} ({})", v, p.string()),
          fix,  required};
}

}  // namespace boutique::targets
