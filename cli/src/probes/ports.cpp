#include "probes/ports.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/ports.hpp"

namespace boutique::probes {

void require_port_free(const std::string& bind, int port, const std::string& setting,
                       const std::string& env, const std::string& what) {
  if (core::port_free(bind, port)) return;
  std::string owner = core::port_owner(port);
  throw core::ConflictError(
      fmt::format("port {} ({}, {}) is already in use{}", port, setting, what,
                  owner.empty() ? "" : " by " + owner),
      fmt::format("stop that program, or choose another port: {} in boutique.yaml or {}", setting,
                  env));
}

}  // namespace boutique::probes
