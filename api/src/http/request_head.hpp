#pragma once
// The request head (request line and header fields) checked before Pistache parses it: sizes
// bounded, syntax per RFC 9112, a body framed by Content-Length only. Pure: no I/O, no Pistache.
// Pistache 0.0.5 re-parses a partial head from its start on every read (quadratic on a large head
// sent in pieces), answers syntax errors in plain text, lets typed-header parse failures become
// 500s and reserves whatever Content-Length announces: the server buffers each head until this
// scan accepts it, then hands Pistache a complete, sane head.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "http/problem.hpp"

namespace boutique::http {

inline constexpr std::size_t kMaxHeadBytes = 32 * 1024;  // request line + header fields
inline constexpr std::size_t kMaxTargetBytes = 8 * 1024;
inline constexpr std::size_t kMaxHeaderFields = 100;

// Methods the router knows; any other well-formed method gets 405 (with this Allow).
inline constexpr std::string_view kAllowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

struct AcceptedHead {
  std::size_t length = 0;  // bytes of the head: leading empty lines and final CRLF included
  std::uint64_t content_length = 0;  // the announced body size (0 without Content-Length)
  bool expect_continue = false;      // "Expect: 100-continue"
  std::size_t leading = 0;  // of `length`, the empty lines before the request line (to drop)
};

struct NeedMore {};

using HeadScan = std::variant<NeedMore, AcceptedHead, Problem>;

// Looks at the bytes received for one request so far (`received` starts where the request
// starts). NeedMore while the head is incomplete and can still be valid; a problem (4xx) as soon as
// it cannot be — garbage is answered at once, not after a timeout. Refused: a malformed request
// line (400), an unknown method (405), a target over kMaxTargetBytes (414) or not visible ASCII
// (400), a version other than HTTP/1.0 and HTTP/1.1 (400), bare LF line ends, folded lines,
// malformed names or control characters in values (400), over kMaxHeaderFields fields or
// kMaxHeadBytes bytes (431), Transfer-Encoding (411), a Content-Length that is not one plain
// number (400) or is over max_body (413), an Expect other than 100-continue (417).
HeadScan scan_request_head(std::string_view received, std::uint64_t max_body);

}  // namespace boutique::http
