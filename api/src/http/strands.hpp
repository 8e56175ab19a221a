#pragma once
// One connection's requests are handled one at a time, in the order they arrived: HTTP/1.1 answers
// pipelined requests in request order, and a request handed to a worker thread must not be
// overtaken by the next one on its connection. A strand per key (the connection), idle or busy;
// work for a busy key waits in the strand's own FIFO until the work before it is done.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace boutique::http {

template <class Work>
class Strands {
 public:
  // When `key` is idle: marks it busy and returns true: the caller runs its work now and calls
  // done(key) after. When busy: stores make() (called under the strand's lock) and returns false.
  bool enter_or_defer(const void* key, const std::function<Work()>& make) {
    Shard& s = shard(key);
    std::lock_guard lock(s.mutex);
    auto [it, idle] = s.busy.try_emplace(key);
    if (idle) return true;
    if (!it->second) it->second = std::make_unique<std::deque<Work>>();
    it->second->push_back(make());
    return false;
  }

  // The work that waited behind the one just done (the key stays busy: run it, then call done
  // again), or nothing (the key is idle again).
  std::unique_ptr<Work> done(const void* key) {
    Shard& s = shard(key);
    std::lock_guard lock(s.mutex);
    const auto it = s.busy.find(key);
    if (it == s.busy.end()) return nullptr;
    if (!it->second || it->second->empty()) {
      s.busy.erase(it);
      return nullptr;
    }
    auto next = std::make_unique<Work>(std::move(it->second->front()));
    it->second->pop_front();
    return next;
  }

  // Keys that are busy (for tests and metrics).
  std::size_t busy() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
      std::lock_guard lock(s.mutex);
      n += s.busy.size();
    }
    return n;
  }

 private:
  struct Shard {
    mutable std::mutex mutex;
    // A key's waiting work; the queue is made only when something waits (most requests are
    // alone on their connection: libstdc++'s deque allocates even when empty).
    std::unordered_map<const void*, std::unique_ptr<std::deque<Work>>> busy;
  };
  // Sharded so that the network threads rarely contend for one lock.
  Shard& shard(const void* key) {
    return shards_[(reinterpret_cast<std::uintptr_t>(key) >> 6) % shards_.size()];
  }
  std::array<Shard, 16> shards_;
};

}  // namespace boutique::http
