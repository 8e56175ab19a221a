#pragma once
// Small HTTP client over libcurl for health probes and the e2e test: one request, a timeout,
// status + headers + body. Never throws for HTTP-level failures: `error` says what went wrong.
#include <chrono>
#include <map>
#include <string>

namespace boutique::core {

struct HttpResponse {
  long status = 0;    // 0 when no response arrived
  std::string error;  // connection refused, timeout... (empty when a response arrived)
  std::string body;
  std::string content_type;
  std::chrono::milliseconds elapsed{0};
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  std::string describe() const;  // "200 OK (3 ms)", "connection refused"
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds timeout{std::chrono::seconds(3)};
  std::string unix_socket;  // connect to this socket instead of the URL's host (podman's API)
};

HttpResponse http_request(const HttpRequest& req);
inline HttpResponse http_get(const std::string& url,
                             std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
  return http_request(HttpRequest{"GET", url, {}, {}, timeout, {}});
}

}  // namespace boutique::core
