#pragma once
// TCP ports on this machine: free to bind, accepting connections, and who listens.
#include <chrono>
#include <string>

namespace boutique::core {

// Can we bind address:port right now? (SO_REUSEADDR, like the servers we start.)
bool port_free(const std::string& address, int port);
// Does something accept TCP connections on host:port?
bool port_accepts(const std::string& host, int port, std::chrono::milliseconds timeout);
// "pid 1234 (nginx)" for the process listening on `port`, when /proc tells (needs root for
// other users' processes); empty otherwise.
std::string port_owner(int port);

}  // namespace boutique::core
