// A TCP proxy on 127.0.0.1: forwards bytes both ways between its clients and an upstream port. It
// gives one API process a path to the shared PostgreSQL of its own, a port that a test can cut
// (support/partition.hpp) without touching the other suites' connections.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace boutique::it {

class TcpProxy {
 public:
  explicit TcpProxy(int upstream_port);  // listens on a free port; throws on failure
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  // Connections accepted so far (for tests that check the API reconnected).
  int accepted() const { return accepted_.load(); }

 private:
  struct Pair {
    int client;
    int upstream;
  };
  void run();
  void close_pair(Pair& p);

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};  // a pipe: the destructor wakes the loop through it
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::vector<Pair> pairs_;  // the loop's own
  std::thread thread_;
};

}  // namespace boutique::it
