#pragma once
// Small files: read whole, written atomically with a mode, random secrets, an exclusive lock.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace boutique::core {

std::string random_secret(std::size_t length);  // [A-Za-z0-9] from /dev/urandom
std::optional<std::string> read_text(const std::filesystem::path& p);
// Writes atomically (temp file + rename) with the given permissions.
void write_text(const std::filesystem::path& p, const std::string& content,
                std::filesystem::perms mode = std::filesystem::perms(0644));

// An exclusive advisory lock on a file, released by the destructor (or at process exit).
class FileLock {
 public:
  // Throws ConflictError when another process holds it.
  explicit FileLock(const std::filesystem::path& p, const std::string& what);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace boutique::core
