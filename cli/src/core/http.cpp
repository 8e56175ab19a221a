#include "core/http.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include <fmt/format.h>

namespace boutique::core {
namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string HttpResponse::describe() const {
  if (!error.empty()) return error;
  return fmt::format("HTTP {} ({} ms)", status, elapsed.count());
}

HttpResponse http_request(const HttpRequest& req) {
  global_init();
  HttpResponse r;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) {
    r.error = "libcurl initialisation failed";
    return r;
  }
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : req.headers)
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hguard(headers, curl_slist_free_all);
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // probes are local: never go through http_proxy
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  }
  CURLcode rc = curl_easy_perform(c);
  double total = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &total);
  r.elapsed = std::chrono::milliseconds(static_cast<long>(total * 1000.0));
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
    if (rc == CURLE_COULDNT_CONNECT) r.error = "connection refused";
    return r;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  char* ct = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct) r.content_type = ct;
  return r;
}

}  // namespace boutique::core
