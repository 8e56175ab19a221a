#pragma once
// Where the local target's parts answer: the address to probe for a bind address, and their URLs.
#include <string>

#include "core/context.hpp"

namespace boutique::targets::local {

// Probe host for a bind address: 0.0.0.0 is probed on loopback.
std::string probe_host(const std::string& bind);

// http://<probe host of local.bind>:<port>
std::string local_url(const core::Context& ctx, int port);

}  // namespace boutique::targets::local
