#pragma once
// Product list and search responses kept in memory, shared by every thread: the network threads
// read it (a hit never leaves them), the database workers fill it on a miss. Invalidated by bumping
// one atomic generation: on every local catalogue write and on every NOTIFY from PostgreSQL
// (catalogue writes made by other replicas). Orders change stock without either (a NOTIFY per order
// would serialise the orders' commits): an entry lives at most kMaxAge, so a list shows stock at
// most that old. Disabled while the change listener is disconnected.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace boutique::http {

class ListCache {
 public:
  static constexpr std::chrono::milliseconds kMaxAge{1000};

  struct Entry {
    std::shared_ptr<const std::string> body;
    std::string total;
    std::string link;
    std::chrono::steady_clock::time_point stored{};  // set by store()
  };

  // Read before querying the database; store the result under this generation.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  bool enabled() const { return enabled_.load(std::memory_order_acquire); }

  // Lists and searches are kept apart, each bounded: a stream of distinct search terms (anyone can
  // send them) empties the searches, never the lists.
  enum class Kind { kList, kSearch };

  // The entry for key, when still current and younger than kMaxAge (a copy: the body is shared).
  std::optional<Entry> find(Kind kind, const std::string& key) const;
  // Kept only when `generation` is still the current one (nothing changed during the query).
  void store(Kind kind, const std::string& key, Entry entry, std::uint64_t generation);

  void invalidate() { generation_.fetch_add(1, std::memory_order_acq_rel); }
  void set_enabled(bool enabled) {
    invalidate();
    enabled_.store(enabled, std::memory_order_release);
  }

 private:
  std::atomic<std::uint64_t> generation_{1};
  std::atomic<bool> enabled_{false};
  mutable std::shared_mutex mutex_;
  std::uint64_t entries_generation_ = 0;  // the generation the entries were stored under
  std::unordered_map<std::string, Entry> lists_;
  std::unordered_map<std::string, Entry> searches_;
};

}  // namespace boutique::http
