#pragma once
// Ports before a start: free, or who holds them (every target that listens on this machine).
#include <string>

namespace boutique::probes {

// Throws ConflictError naming the port, its setting (and environment variable) and the process
// holding it.
void require_port_free(const std::string& bind, int port, const std::string& setting,
                       const std::string& env, const std::string& what);

}  // namespace boutique::probes
