#pragma once
// What the server's dispatch (dispatch.cpp) reads from requests and keeps per connection.
// Internal to http/pistache/.
#include <algorithm>
#include <atomic>
#include <string_view>

#include "http/incoming_request.hpp"

namespace boutique::http::wire {

inline bool sane_request_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// Keep the connection open after this response? HTTP/1.1: unless the client sent
// "Connection: close"; HTTP/1.0: only if it sent "Connection: keep-alive" (tokens compared
// without case).
inline bool wants_keep_alive(const IncomingRequest& req) {
  const auto connection = req.field("Connection");
  const auto has = [&](std::string_view token) {
    if (!connection) return false;
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return std::search(connection->begin(), connection->end(), token.begin(), token.end(),
                       [&](char a, char b) { return lower(a) == b; }) != connection->end();
  };
  if (req.http10()) return has("keep-alive");
  return !has("close");
}

// One request in flight, from dispatch until Pistache is done with its response: written, failed,
// or dropped. The token lives in the callbacks attached to the write's promise, so it goes with
// them: Pistache 0.0.5 settles that promise when the write ends, but when the client disconnects
// first it discards the pending write and destroys the promise unsettled — a counter decremented
// in the callbacks leaked then, and every later drain waited out its whole budget.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count) {
    count_.fetch_add(1, std::memory_order_acq_rel);
  }
  ~InFlight() { count_.fetch_sub(1, std::memory_order_acq_rel); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& count_;
};

// The answers of one connection that Pistache's write queue still holds: the reactor sends them on
// a later turn of its loop. While there are any, a new answer must queue behind them too.
// `closed`: an answer with "Connection: close" was made (the client asked for it, or the server
// drains): the requests the client had already sent behind it are dropped unhandled — RFC 9112
// §9.6, a server that sends "close" must not process further requests on that connection. Their
// answers could not be sent anyway (the connection is half-closed after that answer): a client
// that retries on the clean close would otherwise have a POST without Idempotency-Key run twice.
// Set by whoever holds the connection's strand when it makes that answer (a refusal included),
// read by the next holder (Server::start) — a refusal of the guard's too, which goes through the
// strand as well and is then not answered either.
struct ConnectionWrites {
  std::atomic<int> queued{0};
  std::atomic<bool> closed{false};
};
inline constexpr const char* kConnectionWritesKey = "boutique.writes";

}  // namespace boutique::http::wire
