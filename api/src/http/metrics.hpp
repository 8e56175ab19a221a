#pragma once
// Prometheus metrics, lock-free on the request path: fixed arrays of relaxed atomics indexed by
// route and status code, rendered on demand in the text exposition format.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boutique::http {

struct RouteLabel {
  std::string method;
  std::string path;
};

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  // One slot per route; the last one counts requests no route matched.
  explicit Metrics(std::vector<RouteLabel> routes);

  void observe(std::size_t route, int status, std::chrono::nanoseconds duration);
  void cache_hit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }
  void cache_miss() { cache_misses_.fetch_add(1, std::memory_order_relaxed); }
  // A request read behind an answer that closed its connection: never handled (RFC 9112 §9.6).
  void dropped() { dropped_.fetch_add(1, std::memory_order_relaxed); }

  // The worker queues (http/work_queue.hpp): how many requests each refused, and a probe of their
  // depth read at render time (set once, before the server starts).
  enum class Queue { kDatabase, kHashing };
  struct QueueStats {
    std::size_t workers, waiting, capacity;
  };
  using QueueProbe = std::function<QueueStats(Queue)>;
  void rejected(Queue q) {
    rejected_[static_cast<std::size_t>(q)].fetch_add(1, std::memory_order_relaxed);
  }
  void set_queue_probe(QueueProbe probe) { queue_probe_ = std::move(probe); }

  struct Gauges {
    std::size_t pool_size, pool_in_use, pool_idle;
    bool db_ready;
  };
  std::string render(const Gauges& gauges, double uptime_seconds) const;

 private:
  struct Slot {
    std::array<std::atomic<std::uint64_t>, 600> by_status{};
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::vector<RouteLabel> labels_;
  std::unique_ptr<Slot[]> slots_;
  std::atomic<std::uint64_t> cache_hits_{0};
  std::atomic<std::uint64_t> cache_misses_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::array<std::atomic<std::uint64_t>, 2> rejected_{};
  QueueProbe queue_probe_;
};

}  // namespace boutique::http
