#pragma once
// The one HTTP client over libcurl, for the CLI's probes and podman's API, and for the test
// harnesses (the API's integration tests wrap it): any method, headers and body bytes, the full
// response (status, headers, body). Never throws for transport or HTTP failures: `error` says what
// went wrong when no response arrived.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boutique::core {

struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
};
using HttpHeaders = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct HttpResponse {
  long status = 0;    // 0 when no response arrived
  std::string error;  // connection refused, timeout... (empty when a response arrived)
  int curl_code = 0;  // libcurl's code when no response arrived
  std::string body;
  std::string content_type;
  HttpHeaders headers;  // of the final response (after a 100 Continue, only the final one's)
  std::chrono::milliseconds elapsed{0};
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  // First value of a header (names are case-insensitive), if present.
  std::optional<std::string> header(std::string_view name) const;
  std::string describe() const;  // "HTTP 200 (3 ms)", "connection refused"
};

struct HttpRequest {
  std::string method = "GET";  // HEAD asks for no body
  std::string url;
  std::optional<std::string> body;  // sent as is, whatever the method; none: no body
  std::vector<std::pair<std::string, std::string>> headers;    // in order, repeats allowed
  std::chrono::milliseconds timeout{std::chrono::seconds(3)};  // the whole exchange
  std::string unix_socket;  // connect to this socket instead of the URL's host (podman's API)
};

// One libcurl handle: its connection is kept alive from one request to the next. One per thread.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&& other) noexcept;
  HttpClient& operator=(HttpClient&& other) noexcept;

  HttpResponse send(const HttpRequest& req);

 private:
  void* handle_ = nullptr;  // CURL*, opaque: callers need not include curl.h
};

// One request on a fresh connection.
HttpResponse http_request(const HttpRequest& req);
inline HttpResponse http_get(const std::string& url,
                             std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
  return http_request(HttpRequest{"GET", url, {}, {}, timeout, {}});
}

}  // namespace boutique::core
