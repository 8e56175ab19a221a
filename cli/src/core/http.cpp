#include "core/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace boutique::core {
namespace {

// libcurl is loaded on first use, not linked: its dependency tree (TLS, Kerberos, LDAP, ...) costs
// several milliseconds of dynamic loading at every start, and most commands (`--version`,
// `config`, `logs`) never make a request. Measured in docs/performance.md.
struct Curl {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_reset) easy_reset;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
};

template <typename F>
void bind(void* lib, F& fn, const char* name) {
  fn = reinterpret_cast<F>(::dlsym(lib, name));
  if (!fn)
    throw MissingPrerequisite(fmt::format("libcurl: symbol {} missing", name),
                              "apt-get install libcurl4");
}

const Curl& curl() {
  static const Curl api = [] {
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
      throw MissingPrerequisite(fmt::format("cannot load libcurl: {}", ::dlerror()),
                                "apt-get install libcurl4");
    Curl c{};
    bind(lib, c.global_init, "curl_global_init");
    bind(lib, c.easy_init, "curl_easy_init");
    bind(lib, c.easy_cleanup, "curl_easy_cleanup");
    bind(lib, c.easy_reset, "curl_easy_reset");
    bind(lib, c.easy_setopt, "curl_easy_setopt");
    bind(lib, c.easy_perform, "curl_easy_perform");
    bind(lib, c.easy_getinfo, "curl_easy_getinfo");
    bind(lib, c.easy_strerror, "curl_easy_strerror");
    bind(lib, c.slist_append, "curl_slist_append");
    bind(lib, c.slist_free_all, "curl_slist_free_all");
    c.global_init(CURL_GLOBAL_DEFAULT);
    return c;
  }();
  return api;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (e.g. after 100 Continue): keep only the final one
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    headers->emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return size * n;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  const auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string HttpResponse::describe() const {
  if (!error.empty()) return error;
  return fmt::format("HTTP {} ({} ms)", status, elapsed.count());
}

HttpClient::HttpClient() {
  handle_ = curl().easy_init();
  if (!handle_) throw std::runtime_error("libcurl initialisation failed");
}

HttpClient::~HttpClient() {
  if (handle_) curl().easy_cleanup(static_cast<CURL*>(handle_));
}

HttpClient::HttpClient(HttpClient&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
  if (this != &other) {
    if (handle_) curl().easy_cleanup(static_cast<CURL*>(handle_));
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

HttpResponse HttpClient::send(const HttpRequest& req) {
  const Curl& api = curl();
  CURL* c = static_cast<CURL*>(handle_);
  api.easy_reset(c);  // keeps the connection cache: the next request reuses the connection
  HttpResponse r;
  curl_slist* headers = api.slist_append(nullptr, "Expect:");  // no 100-continue round trip
  for (const auto& [k, v] : req.headers)
    headers = api.slist_append(headers, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hguard(headers, api.slist_free_all);
  const long timeout_ms = static_cast<long>(req.timeout.count());
  api.easy_setopt(c, CURLOPT_URL, req.url.c_str());
  api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10'000L));
  api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  api.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  api.easy_setopt(c, CURLOPT_PROXY, "");  // loopback and sockets only: never through http_proxy
  api.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (!req.unix_socket.empty())
    api.easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, req.unix_socket.c_str());
  if (req.method == "HEAD") {
    api.easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.method != "GET" || req.body) {
    api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  if (req.body) {
    api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body->size()));
    api.easy_setopt(c, CURLOPT_POSTFIELDS, req.body->data());
  }
  const CURLcode rc = api.easy_perform(c);
  double total = 0;
  api.easy_getinfo(c, CURLINFO_TOTAL_TIME, &total);
  r.elapsed = std::chrono::milliseconds(static_cast<long>(total * 1000.0));
  if (rc != CURLE_OK) {
    r.curl_code = static_cast<int>(rc);
    r.error = rc == CURLE_COULDNT_CONNECT ? "connection refused" : api.easy_strerror(rc);
    return r;
  }
  api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  char* ct = nullptr;
  api.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct) r.content_type = ct;
  return r;
}

HttpResponse http_request(const HttpRequest& req) {
  return HttpClient().send(req);
}

}  // namespace boutique::core
