#include "http/list_cache.hpp"

#include <mutex>

namespace boutique::http {
namespace {

// Bounded: the number of distinct filter combinations is open-ended.
constexpr std::size_t kMaxEntries = 256;

}  // namespace

std::optional<ListCache::Entry> ListCache::find(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  std::shared_lock lock(mutex_);
  if (entries_generation_ != generation()) return std::nullopt;
  const auto it = entries_.find(key);
  if (it == entries_.end() || std::chrono::steady_clock::now() - it->second.stored >= kMaxAge)
    return std::nullopt;
  return it->second;
}

void ListCache::store(const std::string& key, Entry entry, std::uint64_t generation) {
  if (!enabled() || generation != this->generation()) return;
  std::unique_lock lock(mutex_);
  if (entries_generation_ != generation) {
    entries_.clear();
    entries_generation_ = generation;
  }
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entry.stored = std::chrono::steady_clock::now();
  entries_.insert_or_assign(key, std::move(entry));
}

}  // namespace boutique::http
