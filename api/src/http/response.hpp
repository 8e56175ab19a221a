#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boutique::http {

inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kProblemJson = "application/problem+json";

// What a handler returns; the server adds the common headers and sends it.
struct Response {
  int status = 200;
  std::string body;
  std::string_view content_type = kJson;  // always a static string
  std::vector<std::pair<std::string, std::string>> headers;
  // A body shared with a cache, sent instead of `body` when set (no per-request copy).
  std::shared_ptr<const std::string> shared_body;

  const std::string& payload() const { return shared_body ? *shared_body : body; }

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

inline Response json_response(int status, std::string body) {
  return Response{status, std::move(body), kJson, {}, {}};
}

}  // namespace boutique::http
