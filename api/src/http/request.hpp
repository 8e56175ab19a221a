#pragma once
// A thin, read-only view of an incoming request for the handlers. The server's request reaches it
// through RequestSource (implemented by http::IncomingRequest), so handlers and the decoding below
// depend on neither the server nor its HTTP library.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace boutique::http {

inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

// The decoding steps of Request on plain values (tests/fuzz calls them directly). Each throws a
// Problem (4xx) on bad input.
using Params = std::vector<std::pair<std::string, std::string>>;

// Query parameters percent-decoded (400 on a malformed % escape).
Params decode_query(const Params& raw);
// 415 unless content_type is application/json (or problem+json); 400 when the body does not
// parse or nests deeper than 64 levels.
nlohmann::json decode_json_body(std::optional<std::string_view> content_type,
                                const std::string& body);
// A positive integer (400 naming `name` otherwise).
std::int64_t decode_id(std::string_view raw, const char* name);
// The token of an Authorization header "Bearer <token>" (trailing spaces dropped); nullopt when the
// header is absent or of another scheme. Never throws: what the token is worth is the database's
// answer.
std::optional<std::string> decode_bearer(const std::optional<std::string>& authorization);
// An Idempotency-Key header: 1 to 200 visible ASCII characters (400 otherwise); nullopt if absent.
std::optional<std::string> decode_idempotency_key(const std::optional<std::string>& header);

// The request as the server holds it.
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  virtual const std::string& path() const = 0;  // the resource, without the query
  virtual const std::string& body() const = 0;
  virtual std::optional<std::string> header(const std::string& name) const = 0;
  // The query's parameters as sent (still percent-encoded), in no particular order.
  virtual Params raw_query() const = 0;
  // The route's path parameter `name` (":id" is "id"), as sent.
  virtual std::string path_param(const std::string& name) const = 0;
};

class Request {
 public:
  Request(const RequestSource& source, std::string id) : source_(source), id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  const std::string& path() const { return source_.path(); }
  std::optional<std::string> header(const std::string& name) const { return source_.header(name); }
  // Decoded query parameters, in no particular order.
  Params query() const;
  const std::string& body() const { return source_.body(); }
  // The body as JSON: 415 when it is not declared application/json, 400 when it does not parse
  // (or nests deeper than 64 levels).
  nlohmann::json json_body() const;
  // A positive integer path parameter; 400 otherwise.
  std::int64_t id_param(const char* name) const;
  // The token of "Authorization: Bearer <token>", if any.
  std::optional<std::string> bearer_token() const;

 private:
  const RequestSource& source_;
  std::string id_;
};

}  // namespace boutique::http
