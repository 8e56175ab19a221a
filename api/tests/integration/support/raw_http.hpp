// A raw HTTP/1.1 connection for what curl hides: knowing a request is fully sent before acting,
// and telling a complete response from a connection cut short.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace boutique::it {

struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

class RawConnection {
 public:
  explicit RawConnection(int port);  // connects to 127.0.0.1:port; throws on failure
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&& other) noexcept;

  void send_all(std::string_view bytes);  // throws on failure
  // One complete response (Content-Length framed, else up to EOF); nullopt with error() set when
  // the connection closes or the timeout passes first.
  // A response to HEAD has headers only, whatever its Content-Length says.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout, bool to_head = false);
  const std::string& error() const { return error_; }

  // Half-close: no more bytes from us (the server sees end of file).
  void shutdown_write();
  // Reads until `pattern` has arrived; everything read up to and including it (the rest stays
  // buffered), nullopt on close or timeout.
  std::optional<std::string> read_until(std::string_view pattern,
                                        std::chrono::milliseconds timeout);
  // Waits for the server to close the connection, discarding what arrives; false on timeout.
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  enum class Read { more, eof, failed };  // failed: error_ says why
  // Waits for bytes until `deadline` (one poll) and appends what arrives to buffer_.
  Read fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  std::string error_;
};

// True when nothing listens on 127.0.0.1:port any more.
bool connection_refused(int port);

}  // namespace boutique::it
