#pragma once
// The request head (request line and header fields), checked and located in one pass: sizes
// bounded, syntax per RFC 9112, a body framed by Content-Length only; the accepted head says where
// its method, target, version and fields lie, so the server builds its request from it without
// parsing it again (http/incoming_request.hpp). Pure: no I/O, no Pistache. The server buffers
// each head until this scan accepts it (http/pistache/guarded_handler.hpp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/method.hpp"
#include "http/problem.hpp"

namespace boutique::http {

inline constexpr std::size_t kMaxHeadBytes = 32 * 1024;  // request line + header fields
inline constexpr std::size_t kMaxTargetBytes = 8 * 1024;
inline constexpr std::size_t kMaxHeaderFields = 100;

// Methods the router knows; any other well-formed method gets 405 (with this Allow).
inline constexpr std::string_view kAllowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

// A part of the scanned bytes, by offset (the bytes may move: a request keeps its own copy).
struct Span {
  std::uint32_t begin = 0;
  std::uint32_t size = 0;
  std::string_view of(std::string_view bytes) const { return bytes.substr(begin, size); }
};

// One header field line: its name, and its value without the whitespace around it.
struct FieldSpan {
  Span name;
  Span value;
};

struct AcceptedHead {
  std::size_t length = 0;  // bytes of the head: leading empty lines and final CRLF included
  std::uint64_t content_length = 0;  // the announced body size (0 without Content-Length)
  bool expect_continue = false;      // "Expect: 100-continue"
  std::size_t leading = 0;           // of `length`, the empty lines before the request line
  // Where the parts lie, as offsets into the bytes scanned (from their first byte, leading empty
  // lines included).
  Method method = Method::kGet;
  Span target;                    // as sent: path and query, still percent-encoded
  bool http10 = false;            // HTTP/1.0 (else HTTP/1.1)
  std::vector<FieldSpan> fields;  // in the order received
};

struct NeedMore {};

using HeadScan = std::variant<NeedMore, AcceptedHead, Problem>;

// Looks at the bytes received for one request so far (`received` starts where the request
// starts). NeedMore while the head is incomplete and can still be valid; a problem (4xx) as soon as
// it cannot be, whatever way the bytes were split — garbage (a byte that no method, target or
// field may hold) is answered at once, not after a timeout. Refused: a malformed request
// line (400), an unknown method (405, once a space ends it), a target over kMaxTargetBytes (414) or
// not visible ASCII (400), a version other than HTTP/1.0 and HTTP/1.1 (400), bare LF line ends,
// folded lines, malformed names or control characters in values (400), more than one Host or a Host
// that is not host[:port] (400, RFC 9112 §3.2), over kMaxHeaderFields fields or kMaxHeadBytes bytes
// (431), Transfer-Encoding (411), a Content-Length that is not one plain number (400) or is over
// max_body (413), an Expect other than 100-continue (417). Fields the server never reads (Accept,
// Date, ...) are not parsed: a malformed one is ignored, as nginx does.
HeadScan scan_request_head(std::string_view received, std::uint64_t max_body);

// The query of a request target (after its '?'), split into its "key=value" parts, both still
// percent-encoded: "a=1&b&c=" is a=1, b="", c=""; empty parts are skipped.
std::vector<std::pair<std::string_view, std::string_view>> split_query(std::string_view target);

// ASCII letters compared without case: field names (RFC 9110 §5.1) and tokens such as
// "100-continue".
bool equals_ignoring_case(std::string_view a, std::string_view b);

// What the header fields seen so far say about framing.
struct HeadFields {
  std::optional<std::uint64_t> content_length;
  bool transfer_encoding = false;
  bool expect_continue = false;
  bool host = false;
};

// scan_request_head for a head that arrives in pieces: each call is given every byte of the
// request so far and looks only at what it has not checked yet (complete lines are checked once,
// the partial request line incrementally), so a head trickled byte by byte costs linear time, not
// quadratic. Same verdicts as scan_request_head on the same bytes.
class HeadScanner {
 public:
  explicit HeadScanner(std::uint64_t max_body) : max_body_(max_body) {}
  // `received` extends the previous call's (same request, more bytes).
  HeadScan scan(std::string_view received);
  // For the next request on the connection.
  void reset() { *this = HeadScanner(max_body_); }
  // Bytes looked at since construction or reset(): what the tests bound.
  std::size_t examined() const { return examined_; }

 private:
  // The checks a request line gets before it is complete (method, target); `received` ends where
  // the line is known to go so far.
  std::optional<Problem> check_request_line_prefix(std::string_view received);

  std::uint64_t max_body_;
  std::size_t pos_ = 0;        // start of the first line not checked yet
  std::size_t searched_ = 0;   // no line end between pos_ and here
  std::size_t leading_ = 0;    // empty lines before the request line
  bool started_ = false;       // the request line has begun (leading empty lines are over)
  bool request_line_ = false;  // the request line is complete and checked
  std::size_t method_end_ = std::string_view::npos;  // partial request line: its first space
  std::size_t target_checked_ = 0;                   // partial request line: target bytes checked
  HeadFields fields_;
  std::size_t field_count_ = 0;
  AcceptedHead layout_;  // where the parts seen so far lie
  std::size_t examined_ = 0;
};

}  // namespace boutique::http
