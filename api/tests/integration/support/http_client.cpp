#include "support/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "support/secrets.hpp"

namespace boutique::it {

std::optional<std::string> Response::header(std::string_view name) const {
  const auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

nlohmann::json Response::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error("response body is not JSON (" + std::string(e.what()) +
                             "): " + describe());
  }
}

std::string Response::describe() const {
  constexpr size_t kMax = 600;
  std::string text = "HTTP " + std::to_string(status) +
                     " content-type=" + header("Content-Type").value_or("<none>") + " body=";
  text += body.size() > kMax ? body.substr(0, kMax) + "…(" + std::to_string(body.size()) + " bytes)"
                             : body;
  return text;
}

Response HttpClient::send(const Request& request) {
  core::HttpRequest req;
  req.method = request.method;
  req.url = base_ + request.path;
  req.body = request.body;
  req.headers = request.headers;
  if (!request.bearer.empty())
    req.headers.emplace_back("Authorization", "Bearer " + request.bearer);
  if (request.body) req.headers.emplace_back("Content-Type", request.content_type);
  req.timeout = timeout_;
  auto answer = http_.send(req);
  if (!answer.error.empty())
    throw TransportError(answer.curl_code, request.method + " " + req.url + ": " + answer.error);
  Response response{answer.status, std::move(answer.headers), std::move(answer.body)};
  observe_exchange(request, response);  // passwords and tokens, for the log scan after the run
  return response;
}

Response HttpClient::get(const std::string& path, const std::string& bearer) {
  return send({.method = "GET", .path = path, .bearer = bearer});
}

Response HttpClient::del(const std::string& path, const std::string& bearer) {
  return send({.method = "DELETE", .path = path, .bearer = bearer});
}

Response HttpClient::post(const std::string& path, const nlohmann::json& body,
                          const std::string& bearer) {
  return send({.method = "POST", .path = path, .body = body.dump(), .bearer = bearer});
}

Response HttpClient::put(const std::string& path, const nlohmann::json& body,
                         const std::string& bearer) {
  return send({.method = "PUT", .path = path, .body = body.dump(), .bearer = bearer});
}

Response HttpClient::patch(const std::string& path, const nlohmann::json& body,
                           const std::string& bearer) {
  return send({.method = "PATCH", .path = path, .body = body.dump(), .bearer = bearer});
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

}  // namespace boutique::it
