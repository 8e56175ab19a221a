#include "support/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "support/secrets.hpp"

namespace boutique::it {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (e.g. after 100 Continue): keep only the final one
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    headers->emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return size * count;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

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

HttpClient::HttpClient(std::string base_url) : base_(std::move(base_url)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpClient::HttpClient(HttpClient&& other) noexcept
    : curl_(std::exchange(other.curl_, nullptr)),
      base_(std::move(other.base_)),
      timeout_(other.timeout_) {}

HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
  if (this != &other) {
    if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
    curl_ = std::exchange(other.curl_, nullptr);
    base_ = std::move(other.base_);
    timeout_ = other.timeout_;
  }
  return *this;
}

Response HttpClient::send(const Request& request) {
  auto* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // keeps the connection cache: the next request reuses the connection
  Response response;
  const std::string url = base_ + request.path;

  curl_slist* raw = nullptr;
  raw = curl_slist_append(raw, "Expect:");  // no 100-continue round trip for large bodies
  for (const auto& [name, value] : request.headers) {
    raw = curl_slist_append(raw, (name + ": " + value).c_str());
  }
  if (!request.bearer.empty()) {
    raw = curl_slist_append(raw, ("Authorization: Bearer " + request.bearer).c_str());
  }
  if (request.body) {
    raw = curl_slist_append(raw, ("Content-Type: " + request.content_type).c_str());
  }
  const std::unique_ptr<curl_slist, SlistDeleter> header_list(raw);

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || request.body) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
  }

  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    throw TransportError(static_cast<int>(rc),
                         request.method + " " + url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
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
