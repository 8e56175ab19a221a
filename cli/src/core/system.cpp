#include "core/system.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;

namespace boutique::core {

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) return false;  // our child, now reaped
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  auto stat = read_text(fmt::format("/proc/{}/stat", pid));
  if (!stat) return false;
  auto close = stat->rfind(')');
  return close == std::string::npos || close + 2 >= stat->size() || (*stat)[close + 2] != 'Z';
}

std::vector<std::string> process_cmdline(pid_t pid) {
  auto raw = read_text(fmt::format("/proc/{}/cmdline", pid));
  std::vector<std::string> out;
  if (!raw) return out;
  std::string cur;
  for (char c : *raw) {
    if (c == '\0') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool process_matches(pid_t pid, const std::string& needle) {
  for (const auto& a : process_cmdline(pid))
    if (a.find(needle) != std::string::npos) return true;
  return false;
}

bool stop_process(pid_t pid, int sig, std::chrono::milliseconds grace) {
  auto wait_gone = [pid](std::chrono::milliseconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (process_alive(pid)) {
      if (std::chrono::steady_clock::now() >= end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  };
  if (!process_alive(pid)) return true;
  ::kill(pid, sig);
  if (wait_gone(grace)) return true;
  ::kill(pid, SIGKILL);
  return wait_gone(std::chrono::seconds(5));
}

std::optional<pid_t> read_pid_file(const fs::path& p) {
  auto t = read_text(p);
  if (!t) return std::nullopt;
  std::istringstream in(*t);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

std::optional<unsigned long long> process_start_time(pid_t pid) {
  auto stat = read_text(fmt::format("/proc/{}/stat", pid));
  if (!stat) return std::nullopt;
  auto close = stat->rfind(')');  // the command name may contain spaces and parentheses
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(stat->substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && in >> field; ++i)
    if (i == 22) return std::stoull(field);
  return std::nullopt;
}

void write_pid_file(const fs::path& p, pid_t pid) {
  auto start = process_start_time(pid);
  write_text(p, start ? fmt::format("{}\n{}\n", pid, *start) : fmt::format("{}\n", pid));
}

std::optional<pid_t> read_live_pid(const fs::path& p) {
  auto t = read_text(p);
  if (!t) return std::nullopt;
  std::istringstream in(*t);
  long pid = 0;
  unsigned long long start = 0;
  if (!(in >> pid) || pid <= 0 || !process_alive(static_cast<pid_t>(pid))) return std::nullopt;
  if (in >> start && process_start_time(static_cast<pid_t>(pid)) != start) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool port_free(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1) a.sin_addr.s_addr = htonl(INADDR_ANY);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

bool port_accepts(const std::string& host, int port, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1)
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      ok = err == 0;
    }
  }
  ::close(fd);
  return ok;
}

std::string port_owner(int port) {
  // Listening sockets (state 0A) on `port` in /proc/net/tcp{,6} give inodes; a process's fd
  // pointing at socket:[inode] owns it.
  std::vector<std::string> inodes;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string sl, local, remote, st, queues, tr, retr, uid, timeout, inode;
      ls >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> inode;
      auto colon = local.rfind(':');
      if (st != "0A" || colon == std::string::npos) continue;
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) inodes.push_back(inode);
    }
  }
  if (inodes.empty()) return {};
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const std::string name = proc.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", ec)) {
      std::error_code e2;
      std::string target = fs::read_symlink(fd.path(), e2).string();
      for (const auto& inode : inodes)
        if (target == "socket:[" + inode + "]") {
          std::string comm = read_text(proc.path() / "comm").value_or("?");
          while (!comm.empty() && comm.back() == '\n') comm.pop_back();
          return fmt::format("pid {} ({})", name, comm);
        }
    }
  }
  return {};
}

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
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  fs::rename(tmp, p);
}

bool is_root() {
  return ::geteuid() == 0;
}

std::optional<UserInfo> lookup_user(const std::string& name) {
  passwd* pw = ::getpwnam(name.c_str());
  if (!pw) return std::nullopt;
  return UserInfo{pw->pw_uid, pw->pw_gid, pw->pw_name};
}

void chown_recursive(const fs::path& p, uid_t uid, gid_t gid) {
  if (::lchown(p.c_str(), uid, gid) != 0)
    throw Error(ExitCode::internal, fmt::format("chown {}: {}", p.string(), std::strerror(errno)));
  if (!fs::is_directory(fs::symlink_status(p))) return;
  for (const auto& e : fs::recursive_directory_iterator(p))
    if (::lchown(e.path().c_str(), uid, gid) != 0)
      throw Error(ExitCode::internal,
                  fmt::format("chown {}: {}", e.path().string(), std::strerror(errno)));
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
