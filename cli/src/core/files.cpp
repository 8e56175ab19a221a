#include "core/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;

namespace boutique::core {

std::string random_secret(std::size_t length) {
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  constexpr std::size_t n = sizeof alphabet - 1;  // 57 symbols
  std::ifstream r("/dev/urandom", std::ios::binary);
  if (!r) throw Error(ExitCode::internal, "cannot open /dev/urandom");
  std::string out;
  while (out.size() < length) {
    unsigned char c = 0;
    r.read(reinterpret_cast<char*>(&c), 1);
    if (c < 256 - 256 % n) out += alphabet[c % n];  // rejection sampling: no modulo bias
  }
  return out;
}

std::optional<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& p, const std::string& content, fs::perms mode) {
  fs::path tmp = p;
  tmp += fmt::format(".tmp{}", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0)
    throw Error(ExitCode::internal,
                fmt::format("cannot write {}: {}", p.string(), std::strerror(errno)));
  ::fchmod(fd, static_cast<mode_t>(mode));
  std::size_t off = 0;
  int error = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    off += static_cast<std::size_t>(n);
  }
  // On disk before it replaces the old file: a crash leaves the old content or the new, whole.
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {  // a full disk, an I/O error: the old file stays, the partial one goes
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(ExitCode::internal,
                fmt::format("cannot write {}: {}", p.string(), std::strerror(error)));
  }
  fs::rename(tmp, p);
}

FileLock::FileLock(const fs::path& p, const std::string& what) {
  fd_ = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw Error(ExitCode::internal,
                fmt::format("cannot open {}: {}", p.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw ConflictError(fmt::format("another boutique command is already working on {}", what),
                        "wait for it to finish, then retry");
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace boutique::core
