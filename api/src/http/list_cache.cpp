#include "http/list_cache.hpp"

#include <unordered_map>

namespace boutique::http {
namespace {

// Bounded: the number of distinct filter combinations is open-ended.
constexpr std::size_t kMaxEntriesPerThread = 256;

struct ThreadCache {
  const ListCache* owner = nullptr;
  std::uint64_t generation = 0;
  std::unordered_map<std::string, ListCache::Entry> entries;
};

ThreadCache& local() {
  thread_local ThreadCache cache;
  return cache;
}

}  // namespace

const ListCache::Entry* ListCache::find(const std::string& key) const {
  if (!enabled()) return nullptr;
  auto& c = local();
  if (c.owner != this || c.generation != generation()) return nullptr;
  const auto it = c.entries.find(key);
  return it == c.entries.end() ? nullptr : &it->second;
}

void ListCache::store(const std::string& key, Entry entry, std::uint64_t generation) const {
  if (!enabled()) return;
  auto& c = local();
  if (c.owner != this || c.generation != generation) {
    c.entries.clear();
    c.owner = this;
    c.generation = generation;
  }
  if (c.entries.size() >= kMaxEntriesPerThread) c.entries.clear();
  c.entries.insert_or_assign(key, std::move(entry));
}

}  // namespace boutique::http
