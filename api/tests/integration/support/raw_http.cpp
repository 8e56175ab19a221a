#include "support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace boutique::it {
namespace {

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

RawConnection::RawConnection(int port) : fd_(connect_to(port)) {
  if (fd_ < 0) {
    throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": " +
                             std::strerror(-fd_));
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      error_(std::move(other.error_)) {}

void RawConnection::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

std::optional<RawResponse> RawConnection::read_response(std::chrono::milliseconds timeout,
                                                        bool to_head) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool eof = false;
  for (;;) {
    const auto end_of_head = buffer_.find("\r\n\r\n");
    if (end_of_head != std::string::npos) {
      RawResponse r;
      r.head = buffer_.substr(0, end_of_head);
      if (r.head.rfind("HTTP/1.", 0) != 0 || r.head.size() < 12) {
        error_ = "not an HTTP response: " + r.head.substr(0, 80);
        return std::nullopt;
      }
      r.status = std::stoi(r.head.substr(9, 3));
      const auto head = lower(r.head);
      const auto cl = head.find("\r\ncontent-length:");
      const size_t body_start = end_of_head + 4;
      if (to_head) {
        buffer_.erase(0, body_start);
        return r;
      }
      if (cl != std::string::npos) {
        const size_t length = std::stoul(head.substr(cl + 17));
        if (buffer_.size() >= body_start + length) {
          r.body = buffer_.substr(body_start, length);
          buffer_.erase(0, body_start + length);
          return r;
        }
      } else if (eof) {
        r.body = buffer_.substr(body_start);
        buffer_.clear();
        return r;
      }
    }
    if (eof) {
      error_ = "connection closed after " + std::to_string(buffer_.size()) + " bytes";
      return std::nullopt;
    }
    const Read got = fill(deadline);
    if (got == Read::failed) return std::nullopt;
    eof = got == Read::eof;
  }
}

void RawConnection::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

std::optional<std::string> RawConnection::read_until(std::string_view pattern,
                                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto at = buffer_.find(pattern); at != std::string::npos) {
      std::string head = buffer_.substr(0, at + pattern.size());
      buffer_.erase(0, at + pattern.size());
      return head;
    }
    const Read got = fill(deadline);
    if (got == Read::failed) return std::nullopt;
    if (got == Read::eof) {
      error_ = "connection closed after " + std::to_string(buffer_.size()) + " bytes";
      return std::nullopt;
    }
  }
}

RawConnection::Read RawConnection::fill(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    error_ = "timeout after " + std::to_string(buffer_.size()) + " bytes";
    return Read::failed;
  }
  pollfd pfd{fd_, POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return Read::more;
  std::array<char, 16384> chunk{};
  const ssize_t n = recv(fd_, chunk.data(), chunk.size(), 0);
  if (n > 0) {
    buffer_.append(chunk.data(), static_cast<size_t>(n));
    return Read::more;
  }
  if (n == 0) return Read::eof;
  if (errno == EINTR) return Read::more;
  error_ = std::string("recv: ") + std::strerror(errno) + " after " +
           std::to_string(buffer_.size()) + " bytes";
  return Read::failed;
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  buffer_.clear();
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    std::array<char, 16384> chunk{};
    const ssize_t n = recv(fd_, chunk.data(), chunk.size(), 0);
    if (n == 0 || (n < 0 && errno != EINTR)) return true;  // end of file or reset
  }
}

bool connection_refused(int port) {
  const int fd = connect_to(port);
  if (fd >= 0) {
    close(fd);
    return false;
  }
  return -fd == ECONNREFUSED;
}

}  // namespace boutique::it
