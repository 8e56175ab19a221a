#pragma once
// Pistache 0.0.5 keeps its listening socket private and has no way to stop accepting short of
// stopping everything; the graceful shutdown (server.cpp) needs exactly that.
#include <cstdint>

namespace boutique::http {

// Closes the socket listening on `port`: /proc/self/fd finds it — a socket in the LISTEN state
// bound to that port — and dup3() puts an unbound socket in its place, atomically. The descriptor
// number stays valid for Pistache, which closes it at shutdown; the listening socket itself is
// closed, so it leaves the acceptor's epoll set and new connections are refused at once. False
// when no such socket was found.
bool close_listener(std::uint16_t port);

}  // namespace boutique::http
