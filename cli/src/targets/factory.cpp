#include <fmt/format.h>

#include "core/errors.hpp"
#include "targets/local/local_target.hpp"
#include "targets/target.hpp"

namespace boutique::targets {

std::unique_ptr<Target> make_target(core::Context& ctx) {
  const std::string& name = ctx.config.str("target");
  if (name == "local") return std::make_unique<local::LocalTarget>(ctx);
  throw core::NotImplemented(
      fmt::format("target '{}' is not implemented yet in this version (selected by {})", name,
                  ctx.config.value("target").origin),
      "use the local target: --target local (`boutique doctor --target " + name +
          "` already checks its tools)");
}

}  // namespace boutique::targets
