#include "core/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <memory>

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

}  // namespace

std::string HttpResponse::describe() const {
  if (!error.empty()) return error;
  return fmt::format("HTTP {} ({} ms)", status, elapsed.count());
}

HttpResponse http_request(const HttpRequest& req) {
  const Curl& api = curl();
  HttpResponse r;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(api.easy_init(), api.easy_cleanup);
  if (!h) {
    r.error = "libcurl initialisation failed";
    return r;
  }
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : req.headers)
    headers = api.slist_append(headers, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hguard(headers, api.slist_free_all);
  CURL* c = h.get();
  api.easy_setopt(c, CURLOPT_URL, req.url.c_str());
  api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.timeout.count()));
  api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  api.easy_setopt(c, CURLOPT_PROXY, "");  // probes are local: never go through http_proxy
  if (headers) api.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (!req.unix_socket.empty())
    api.easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, req.unix_socket.c_str());
  if (req.method == "GET") {
    api.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    api.easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
    api.easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  }
  CURLcode rc = api.easy_perform(c);
  double total = 0;
  api.easy_getinfo(c, CURLINFO_TOTAL_TIME, &total);
  r.elapsed = std::chrono::milliseconds(static_cast<long>(total * 1000.0));
  if (rc != CURLE_OK) {
    r.error = api.easy_strerror(rc);
    if (rc == CURLE_COULDNT_CONNECT) r.error = "connection refused";
    return r;
  }
  api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  char* ct = nullptr;
  api.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct) r.content_type = ct;
  return r;
}

}  // namespace boutique::core
