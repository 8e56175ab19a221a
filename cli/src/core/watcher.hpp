#pragma once
// Watches directory trees for saved files (`boutique dev`), with Linux's inotify: one watch per
// directory under each root, directories created later included, ignored names never entered.
// A burst of events (an editor's save is several; a `git checkout` is hundreds) comes out as one
// batch, once the tree has been quiet for `quiet`.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace boutique::core {

struct WatchOptions {
  std::vector<std::filesystem::path> roots;  // directories; each must exist
  // Directory names never watched (build outputs, node_modules, .git) and file names never
  // reported: exact names, or prefixes ending in '*' ("build-*").
  std::vector<std::string> ignored_dirs = {
      "node_modules", ".git",      "build",        "build-*",           "dist",
      ".vite",        "toolchain", "test-results", "playwright-report", "coverage"};
  std::chrono::milliseconds quiet{150};  // debounce: a batch ends after this long without events
  std::chrono::milliseconds longest{
      2000};  // ... or this long after its first event, whatever comes
};

struct ChangeBatch {
  std::set<std::filesystem::path> paths;  // files created, written, moved or deleted
  bool overflow = false;                  // the kernel dropped events: anything may have changed
  std::chrono::steady_clock::time_point first;  // when the burst's first change was seen
  bool empty() const { return paths.empty() && !overflow; }
};

// True for a file an editor writes beside the one being saved (vim's 4913 and .swp, emacs's .#x
// and #x#, backups ending in ~): never reported.
bool is_editor_scratch(const std::string& file_name);

class Watcher {
 public:
  // Throws core::Error when inotify cannot be set up (the limit of watches: the message says
  // which sysctl raises it).
  explicit Watcher(WatchOptions opts);
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Waits at most `timeout` for a first event, then for the burst it starts to end. Empty when
  // nothing changed in time.
  ChangeBatch wait(std::chrono::milliseconds timeout);
  std::size_t watched_directories() const { return dirs_.size(); }

 private:
  void add_tree(const std::filesystem::path& dir);
  bool ignored_dir(const std::string& name) const;
  // Reads what is queued (poll first); false when nothing came within `timeout`.
  bool read_events(std::chrono::milliseconds timeout, ChangeBatch& batch);

  WatchOptions opts_;
  int fd_ = -1;
  std::map<int, std::filesystem::path> dirs_;  // watch descriptor -> directory
  std::set<std::filesystem::path> created_;    // files created during the current burst
};

}  // namespace boutique::core
