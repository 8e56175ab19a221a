#include "http/list_cache.hpp"

#include <mutex>

namespace boutique::http {
namespace {

// Bounded, each kind: the number of distinct filter combinations and terms is open-ended.
constexpr std::size_t kMaxEntries = 256;

}  // namespace

std::optional<ListCache::Entry> ListCache::find(Kind kind, const std::string& key) const {
  if (!enabled()) return std::nullopt;
  std::shared_lock lock(mutex_);
  if (entries_generation_ != generation()) return std::nullopt;
  const auto& entries = kind == Kind::kList ? lists_ : searches_;
  const auto it = entries.find(key);
  if (it == entries.end() || std::chrono::steady_clock::now() - it->second.stored >= kMaxAge)
    return std::nullopt;
  return it->second;
}

void ListCache::store(Kind kind, const std::string& key, Entry entry, std::uint64_t generation) {
  if (!enabled() || generation != this->generation()) return;
  std::unique_lock lock(mutex_);
  if (entries_generation_ != generation) {
    lists_.clear();
    searches_.clear();
    entries_generation_ = generation;
  }
  auto& entries = kind == Kind::kList ? lists_ : searches_;
  if (entries.size() >= kMaxEntries) entries.clear();
  entry.stored = std::chrono::steady_clock::now();
  entries.insert_or_assign(key, std::move(entry));
}

}  // namespace boutique::http
