#include "core/watcher.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace boutique::core {
namespace {

constexpr std::uint32_t kFileEvents =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;

bool matches(const std::string& name, const std::string& pattern) {
  if (!pattern.empty() && pattern.back() == '*')
    return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return name == pattern;
}

}  // namespace

bool is_editor_scratch(const std::string& name) {
  auto ends_with = [&name](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return name == "4913" || name.rfind(".#", 0) == 0 ||
         (name.size() > 1 && name.front() == '#' && name.back() == '#') || ends_with("~") ||
         ends_with(".swp") || ends_with(".swx") || ends_with(".swo") || ends_with(".tmp");
}

Watcher::Watcher(WatchOptions opts) : opts_(std::move(opts)) {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0)
    throw MissingPrerequisite(fmt::format("inotify: {}", std::strerror(errno)),
                              "sudo sysctl fs.inotify.max_user_instances=512");
  try {
    for (const auto& root : opts_.roots) {
      if (!fs::is_directory(root))
        throw ConfigError(fmt::format("cannot watch {}: not a directory", root.string()));
      add_tree(root);
    }
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

Watcher::~Watcher() {
  ::close(fd_);
}

bool Watcher::ignored_dir(const std::string& name) const {
  for (const auto& p : opts_.ignored_dirs)
    if (matches(name, p)) return true;
  return false;
}

void Watcher::add_tree(const fs::path& dir) {
  const int wd = ::inotify_add_watch(fd_, dir.c_str(), kFileEvents | IN_ONLYDIR);
  if (wd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return;  // gone again before we got to it
    if (errno == ENOSPC)
      throw MissingPrerequisite(
          fmt::format("cannot watch {}: the limit of inotify watches is reached", dir.string()),
          "sudo sysctl fs.inotify.max_user_watches=524288");
    throw MissingPrerequisite(
        fmt::format("cannot watch {}: {}", dir.string(), std::strerror(errno)));
  }
  dirs_[wd] = dir;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec) && !ignored_dir(it->path().filename().string()))
      add_tree(it->path());
}

bool Watcher::read_events(std::chrono::milliseconds timeout, ChangeBatch& batch) {
  pollfd p{fd_, POLLIN, 0};
  const int n = ::poll(&p, 1, static_cast<int>(std::max<long>(0, timeout.count())));
  if (n <= 0) return false;
  alignas(inotify_event) std::array<char, 16384> buf{};
  bool any = false;
  while (true) {
    const ssize_t got = ::read(fd_, buf.data(), buf.size());
    if (got <= 0) break;  // EAGAIN: all read
    for (ssize_t off = 0; off < got;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf.data() + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      any = true;
      if (ev->mask & IN_Q_OVERFLOW) {
        batch.overflow = true;
        continue;
      }
      if (ev->mask & IN_IGNORED) {  // the directory was deleted (or moved away)
        dirs_.erase(ev->wd);
        continue;
      }
      auto dir = dirs_.find(ev->wd);
      if (dir == dirs_.end() || ev->len == 0) continue;
      const std::string name(ev->name);
      const fs::path path = dir->second / name;
      if (ev->mask & IN_ISDIR) {
        if (ignored_dir(name)) continue;
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
          add_tree(path);
          // Files written before the watch existed: report what the new tree holds.
          std::error_code ec;
          for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end;
               it.increment(ec))
            if (it->is_regular_file(ec) && !is_editor_scratch(it->path().filename().string()))
              batch.paths.insert(it->path());
        } else if (ev->mask & (IN_MOVED_FROM | IN_DELETE)) {
          batch.paths.insert(path);
        }
        continue;
      }
      if (is_editor_scratch(name)) continue;
      // A file is reported when it is written and closed (IN_CLOSE_WRITE), not when it is
      // created still empty; a symlink has no other event than IN_CREATE.
      if (ev->mask & IN_CREATE) {
        created_.insert(path);
        if (!fs::is_symlink(path)) continue;
      }
      batch.paths.insert(path);
    }
  }
  return any;
}

ChangeBatch Watcher::wait(std::chrono::milliseconds timeout) {
  ChangeBatch batch;
  created_.clear();
  const auto deadline = Clock::now() + timeout;
  // The first event: events that change nothing reportable (a scratch file) start no burst.
  while (batch.empty()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return batch;
    read_events(left, batch);
  }
  batch.first = Clock::now();
  const auto last_call = Clock::now() + opts_.longest;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(last_call - Clock::now());
    if (left.count() <= 0) break;
    if (!read_events(std::min(opts_.quiet, left), batch)) break;  // quiet: the burst is over
  }
  // A file that came and went within the burst changed nothing: `sed -i`'s and some editors'
  // temporary copies, renamed over the file they replace.
  for (const auto& p : created_)
    if (std::error_code ec; !fs::exists(fs::symlink_status(p, ec))) batch.paths.erase(p);
  return batch;
}

}  // namespace boutique::core
