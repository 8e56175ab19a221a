#include "http/pistache/listener.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

namespace boutique::http {
namespace {

// The descriptor of the socket listening on `port`, if any.
std::optional<int> find_listener(std::uint16_t port) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const std::string name = entry.path().filename().string();
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc{}) continue;
    int accepting = 0;
    socklen_t len = sizeof accepting;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) != 0 || accepting == 0) {
      continue;
    }
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) continue;
    std::uint16_t bound = 0;
    if (addr.ss_family == AF_INET) {
      bound = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      bound = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
    }
    if (bound == port) return fd;
  }
  return std::nullopt;
}

// A classic BPF program for the listening socket: drop a segment that opens a handshake (SYN
// without ACK), keep everything else — the handshakes already under way complete. A TCP socket's
// filter sees the segment from its TCP header on: byte 13 holds the flags.
bool stop_handshakes(int fd) {
  constexpr std::uint8_t kSyn = 0x02;
  constexpr std::uint8_t kAck = 0x10;
  std::array<sock_filter, 5> program{{
      {BPF_LD | BPF_B | BPF_ABS, 0, 0, 13},  // A = TCP flags
      {BPF_ALU | BPF_AND | BPF_K, 0, 0, kSyn | kAck},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, kSyn},  // a bare SYN: next, else skip one
      {BPF_RET | BPF_K, 0, 0, 0},               // drop
      {BPF_RET | BPF_K, 0, 0, 0xFFFFFFFF},      // keep, whole
  }};
  const sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) == 0;
}

// Connections in the accept queue of listening socket `fd` (for a listener, TCP_INFO reports
// that count as tcpi_unacked); nullopt if the kernel does not tell.
std::optional<std::uint32_t> accept_queue(int fd) {
  tcp_info info{};
  socklen_t len = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 || info.tcpi_state != TCP_LISTEN) {
    return std::nullopt;
  }
  return info.tcpi_unacked;
}

}  // namespace

ListenerClosed close_listener(std::uint16_t port, std::chrono::steady_clock::time_point deadline) {
  ListenerClosed result;
  const auto fd = find_listener(port);
  if (!fd) return result;
  result.handshakes_stopped = stop_handshakes(*fd);
  if (result.handshakes_stopped) {
    // Pistache's acceptor thread empties the queue (it accepts as long as the socket is readable);
    // without the filter, new connections would keep it from ever becoming empty.
    auto waiting = accept_queue(*fd);
    result.handed_over = waiting.value_or(0);
    while (waiting.value_or(0) > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // pacing, bounded by deadline
      waiting = accept_queue(*fd);
    }
    result.reset = waiting.value_or(0);
  }
  const int placeholder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder < 0) return result;
  result.closed = ::dup3(placeholder, *fd, O_CLOEXEC) == *fd;
  ::close(placeholder);
  return result;
}

}  // namespace boutique::http
