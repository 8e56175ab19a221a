#pragma once
// Product list responses kept in memory, per worker thread (no lock on the hot path), invalidated
// by bumping one atomic generation: on every local write and on every NOTIFY from PostgreSQL
// (writes made by other replicas). Disabled while the change listener is disconnected.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace boutique::http {

class ListCache {
 public:
  struct Entry {
    std::shared_ptr<const std::string> body;
    std::string total;
    std::string link;
  };

  // Read before querying the database; store the result under this generation.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  bool enabled() const { return enabled_.load(std::memory_order_acquire); }

  // The entry for key on this thread, when still current; valid until this thread's next store().
  const Entry* find(const std::string& key) const;
  void store(const std::string& key, Entry entry, std::uint64_t generation) const;

  void invalidate() { generation_.fetch_add(1, std::memory_order_acq_rel); }
  void set_enabled(bool enabled) {
    invalidate();
    enabled_.store(enabled, std::memory_order_release);
  }

 private:
  std::atomic<std::uint64_t> generation_{1};
  std::atomic<bool> enabled_{false};
};

}  // namespace boutique::http
