#include "http/metrics.hpp"

#include <fmt/format.h>

namespace boutique::http {

Metrics::Metrics(std::vector<RouteLabel> routes)
    : labels_(std::move(routes)), slots_(std::make_unique<Slot[]>(labels_.size() + 1)) {
  labels_.push_back({"", "unmatched"});
}

void Metrics::observe(std::size_t route, int status, std::chrono::nanoseconds duration) {
  auto& slot = slots_[route < labels_.size() ? route : labels_.size() - 1];
  const auto code = static_cast<std::size_t>(status > 0 && status < 600 ? status : 0);
  slot.by_status[code].fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(duration).count();
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  slot.buckets[b].fetch_add(1, std::memory_order_relaxed);
  slot.sum_ns.fetch_add(static_cast<std::uint64_t>(duration.count()), std::memory_order_relaxed);
}

std::string Metrics::render(const Gauges& g, double uptime_seconds) const {
  std::string out;
  auto it = std::back_inserter(out);
  out +=
      "# HELP boutique_http_requests_total HTTP requests by route, method and status.\n"
      "# TYPE boutique_http_requests_total counter\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    for (std::size_t code = 0; code < 600; ++code) {
      const auto n = slots_[r].by_status[code].load(std::memory_order_relaxed);
      if (n == 0) continue;
      fmt::format_to(
          it, "boutique_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
          labels_[r].path, labels_[r].method, code, n);
    }
  }
  out +=
      "# HELP boutique_http_request_duration_seconds Time to handle a request.\n"
      "# TYPE boutique_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    const auto& slot = slots_[r];
    std::uint64_t cumulative = 0;
    std::array<std::uint64_t, kBuckets.size() + 1> counts{};
    for (std::size_t b = 0; b < counts.size(); ++b)
      counts[b] = slot.buckets[b].load(std::memory_order_relaxed);
    std::uint64_t total = 0;
    for (const auto c : counts) total += c;
    if (total == 0) continue;
    const auto labels =
        fmt::format("route=\"{}\",method=\"{}\"", labels_[r].path, labels_[r].method);
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += counts[b];
      fmt::format_to(it, "boutique_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n",
                     labels, kBuckets[b], cumulative);
    }
    fmt::format_to(it, "boutique_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n",
                   labels, total);
    fmt::format_to(it, "boutique_http_request_duration_seconds_sum{{{}}} {:.6f}\n", labels,
                   static_cast<double>(slot.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    fmt::format_to(it, "boutique_http_request_duration_seconds_count{{{}}} {}\n", labels, total);
  }
  fmt::format_to(
      it,
      "# HELP boutique_db_pool_connections Database connections by state.\n"
      "# TYPE boutique_db_pool_connections gauge\n"
      "boutique_db_pool_connections{{state=\"in_use\"}} {}\n"
      "boutique_db_pool_connections{{state=\"idle\"}} {}\n"
      "# HELP boutique_db_pool_size Maximum database connections.\n"
      "# TYPE boutique_db_pool_size gauge\n"
      "boutique_db_pool_size {}\n"
      "# HELP boutique_db_ready 1 when the database is reachable and migrated.\n"
      "# TYPE boutique_db_ready gauge\n"
      "boutique_db_ready {}\n"
      "# HELP boutique_cache_hits_total Product list responses served from memory.\n"
      "# TYPE boutique_cache_hits_total counter\n"
      "boutique_cache_hits_total {}\n"
      "# HELP boutique_cache_misses_total Product list responses built from the database.\n"
      "# TYPE boutique_cache_misses_total counter\n"
      "boutique_cache_misses_total {}\n"
      "# HELP boutique_http_requests_dropped_total Requests read behind an answer that closed "
      "the connection (Connection: close), never handled.\n"
      "# TYPE boutique_http_requests_dropped_total counter\n"
      "boutique_http_requests_dropped_total {}\n"
      "# HELP boutique_uptime_seconds Seconds since the process started.\n"
      "# TYPE boutique_uptime_seconds gauge\n"
      "boutique_uptime_seconds {:.3f}\n",
      g.pool_in_use, g.pool_idle, g.pool_size, g.db_ready ? 1 : 0,
      cache_hits_.load(std::memory_order_relaxed), cache_misses_.load(std::memory_order_relaxed),
      dropped_.load(std::memory_order_relaxed), uptime_seconds);
  fmt::format_to(it,
                 "# HELP boutique_worker_queue_rejected_total Requests answered 503 at once: their "
                 "worker queue was full.\n"
                 "# TYPE boutique_worker_queue_rejected_total counter\n");
  for (const auto q : {Queue::kDatabase, Queue::kHashing})
    fmt::format_to(it, "boutique_worker_queue_rejected_total{{queue=\"{}\"}} {}\n",
                   q == Queue::kDatabase ? "database" : "hashing",
                   rejected_[static_cast<std::size_t>(q)].load(std::memory_order_relaxed));
  if (queue_probe_) {
    std::string waiting, capacity, workers;
    for (const auto q : {Queue::kDatabase, Queue::kHashing}) {
      const auto s = queue_probe_(q);
      const char* name = q == Queue::kDatabase ? "database" : "hashing";
      waiting += fmt::format("boutique_worker_queue_waiting{{queue=\"{}\"}} {}\n", name, s.waiting);
      capacity +=
          fmt::format("boutique_worker_queue_capacity{{queue=\"{}\"}} {}\n", name, s.capacity);
      workers += fmt::format("boutique_workers{{queue=\"{}\"}} {}\n", name, s.workers);
    }
    fmt::format_to(it,
                   "# HELP boutique_worker_queue_waiting Requests waiting for a worker.\n"
                   "# TYPE boutique_worker_queue_waiting gauge\n{}"
                   "# HELP boutique_worker_queue_capacity Requests that may wait before 503.\n"
                   "# TYPE boutique_worker_queue_capacity gauge\n{}"
                   "# HELP boutique_workers Worker threads.\n"
                   "# TYPE boutique_workers gauge\n{}",
                   waiting, capacity, workers);
  }
  return out;
}

}  // namespace boutique::http
