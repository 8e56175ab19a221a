#pragma once
// A TCP port on 127.0.0.1 that nothing is bound to, chosen below the kernel's ephemeral range
// (32768-60999 here). A port the kernel hands out for port 0 comes from that range, where any
// client connection's local end can take it before the server under test binds it (a test holding
// thousands of connections at the same time makes that likely).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <random>
#include <stdexcept>

namespace boutique::fixture {

inline int free_port() {
  static std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> dist(20000, 32000);
  for (int attempt = 0; attempt < 500; ++attempt) {
    const int port = dist(rng);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (bound) return port;
  }
  throw std::runtime_error("no free TCP port in 20000-32000 on 127.0.0.1");
}

}  // namespace boutique::fixture
