#include "targets/local/urls.hpp"

#include <fmt/format.h>

namespace boutique::targets::local {

std::string probe_host(const std::string& bind) {
  return bind == "0.0.0.0" || bind.empty() ? "127.0.0.1" : bind;
}

std::string local_url(const core::Context& ctx, int port) {
  return fmt::format("http://{}:{}", probe_host(ctx.config.str("local.bind")), port);
}

}  // namespace boutique::targets::local
