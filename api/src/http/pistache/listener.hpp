#pragma once
// Pistache 0.0.5 keeps its listening socket private and has no way to stop accepting short of
// stopping everything; the graceful shutdown (server.cpp) needs exactly that.
#include <chrono>
#include <cstdint>

namespace boutique::http {

struct ListenerClosed {
  bool closed = false;              // the listening socket was found and closed
  bool handshakes_stopped = false;  // new handshakes were refused before the hand-over (filter on)
  std::uint32_t handed_over = 0;    // connections in the accept queue when handshakes stopped
  std::uint32_t reset = 0;          // still in the accept queue at the deadline: reset by the close
};

// Stops accepting on `port` without resetting the connections the kernel has already completed.
// Closing a listening socket resets every connection still in its accept queue (handshake done,
// request perhaps sent, not yet accept()ed): the client reads "connection reset" on a connection
// it has just opened, which no client retries. So:
//   1. /proc/self/fd finds the socket in the LISTEN state bound to `port`;
//   2. a socket filter on it drops new SYNs: no handshake completes any more (those clients
//      retransmit their SYN after 1 s and are refused by then);
//   3. Pistache's acceptor takes what the accept queue holds: waits until it is empty (TCP_INFO
//      gives its length), at most until `deadline`;
//   4. dup3() puts an unbound socket in its place, atomically. The descriptor number stays valid
//      for Pistache, which closes it at shutdown; the listening socket itself is closed, so it
//      leaves the acceptor's epoll set and new connections are refused at once.
// closed is false when no such socket was found.
ListenerClosed close_listener(std::uint16_t port, std::chrono::steady_clock::time_point deadline);

}  // namespace boutique::http
