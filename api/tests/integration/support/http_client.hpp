// The integration tests' HTTP client: the CLI's core::HttpClient (any method, headers and body
// bytes — raw, oversized or malformed — and the full response) with a base URL, bearer tokens, JSON
// helpers, and an exception when no response arrives. One HttpClient is one keep-alive connection:
// use one per thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/http.hpp"

namespace boutique::it {

using Headers = core::HttpHeaders;

struct Response {
  long status = 0;
  Headers headers;
  std::string body;

  // First value of a header (names are case-insensitive), if present.
  std::optional<std::string> header(std::string_view name) const;
  bool has_header(std::string_view name) const { return header(name).has_value(); }
  // The body as JSON; throws std::runtime_error quoting the response when it is not JSON.
  nlohmann::json json() const;
  // "HTTP 409 content-type=... body=..." for failure messages (body truncated).
  std::string describe() const;
};

struct Request {
  std::string method = "GET";
  std::string path = {};  // starts with '/', may carry a query string
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::optional<std::string> body = {};
  // Sent with a body; an empty value sends no Content-Type at all.
  std::string content_type = "application/json";
  std::string bearer = {};  // Authorization: Bearer <bearer> when not empty
};

// Thrown when no HTTP response was received at all (connection refused, reset, timeout).
class TransportError : public std::runtime_error {
 public:
  TransportError(int curl_code, const std::string& what)
      : std::runtime_error(what), curl_code_(curl_code) {}
  int curl_code() const { return curl_code_; }

 private:
  int curl_code_;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url) : base_(std::move(base_url)) {}  // "http://127.0.0.1:N"

  Response send(const Request& request);

  Response get(const std::string& path, const std::string& bearer = {});
  Response del(const std::string& path, const std::string& bearer = {});
  Response post(const std::string& path, const nlohmann::json& body,
                const std::string& bearer = {});
  Response put(const std::string& path, const nlohmann::json& body, const std::string& bearer = {});
  Response patch(const std::string& path, const nlohmann::json& body,
                 const std::string& bearer = {});

  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  const std::string& base_url() const { return base_; }

 private:
  core::HttpClient http_;
  std::string base_;
  std::chrono::milliseconds timeout_{30000};
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace boutique::it
