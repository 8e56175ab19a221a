#pragma once
// What answers behind a Kubernetes Service in the k8s target's tests, where no cluster (and so no
// pod) runs: an HTTP/1.1 server on 127.0.0.1:port, on its own thread, answering each path with a
// fixed response (404 for others) and closing the connection. The CLI's probes reach it as they
// would reach a NodePort or a port-forward's loopback port.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

#include <fmt/format.h>

namespace boutique::fixture {

struct HttpAnswer {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

class HttpStub {
 public:
  HttpStub(int port, std::map<std::string, HttpAnswer> answers)
      : port_(port), answers_(std::move(answers)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) {
      ::close(fd_);
      throw std::runtime_error(fmt::format("HttpStub: cannot listen on 127.0.0.1:{}", port));
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~HttpStub() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  HttpStub(const HttpStub&) = delete;
  HttpStub& operator=(const HttpStub&) = delete;

  int port() const { return port_; }
  int requests() const { return requests_; }

  // What the stack's probes ask the API for (healthz, readyz, /api/info at `migration`).
  static std::map<std::string, HttpAnswer> api(int migration) {
    const std::string info = fmt::format(
        R"({{"service":"boutique-api","database":{{"migration_version":{0},"migration_expected":{0}}}}})",
        migration);
    return {{"/healthz", {200, "application/json", R"({"status":"ok"})"}},
            {"/readyz", {200, "application/json", R"({"status":"ready"})"}},
            {"/api/info", {200, "application/json", info}}};
  }
  // ... and the web UI for (its page, and the API through its proxy).
  static std::map<std::string, HttpAnswer> web(int migration) {
    auto out = api(migration);
    out["/"] = {200, "text/html", "<!doctype html><title>Boutique</title>"};
    return out;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;  // 50 ms: how soon the destructor is noticed
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 2000) <= 0) break;
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      ++requests_;
      const auto sp = request.find(' ');
      const auto sp2 = request.find(' ', sp + 1);
      const std::string path = sp == std::string::npos || sp2 == std::string::npos
                                   ? ""
                                   : request.substr(sp + 1, sp2 - sp - 1);
      auto it = answers_.find(path);
      const HttpAnswer a =
          it == answers_.end() ? HttpAnswer{404, "text/plain", "not found"} : it->second;
      const std::string response = fmt::format(
          "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
          a.status, a.content_type, a.body.size(), a.body);
      (void)!::write(c, response.data(), response.size());
      ::close(c);
    }
  }

  int port_;
  int fd_ = -1;
  std::map<std::string, HttpAnswer> answers_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace boutique::fixture
