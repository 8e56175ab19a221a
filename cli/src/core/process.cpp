#include "core/process.hpp"

#include "core/interrupt.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

extern char** environ;

namespace boutique::core {
namespace {

using Clock = std::chrono::steady_clock;

bool unset(std::string_view name, const std::vector<std::string>& unset_env) {
  for (const auto& u : unset_env) {
    if (!u.empty() && u.back() == '*'
            ? name.starts_with(std::string_view(u).substr(0, u.size() - 1))
            : name == u)
      return true;
  }
  return false;
}

std::vector<std::string> make_env(const std::map<std::string, std::string>& extra,
                                  const std::vector<std::string>& unset_env) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto name = kv.substr(0, kv.find('='));
    if (!extra.count(std::string(name)) && !unset(name, unset_env)) out.emplace_back(kv);
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void throw_spawn_error(int rc, const std::vector<std::string>& argv) {
  if (rc == ENOENT || rc == EACCES || rc == ENOEXEC)
    throw ProgramNotFound(fmt::format("cannot run '{}': {}", argv[0], std::strerror(rc)),
                          "run `boutique doctor` to see what is missing and how to install it");
  throw CommandFailed(fmt::format("cannot start '{}': {}", argv[0], std::strerror(rc)));
}

// RAII for posix_spawn attributes and file actions.
struct Spawn {
  posix_spawn_file_actions_t fa{};
  posix_spawnattr_t attr{};
  Spawn() {
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
  }
  // cwd, flags, argv and environment, then posix_spawnp; throws when it cannot start.
  pid_t spawn(const std::vector<std::string>& argv_in,
              const std::map<std::string, std::string>& env,
              const std::vector<std::string>& unset_env, const std::filesystem::path& cwd,
              short flags) {
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
    posix_spawnattr_setflags(
        &attr, static_cast<short>(flags | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
    auto args = argv_in;
    auto envs = make_env(env, unset_env);
    auto argv = c_strings(args);
    auto envp = c_strings(envs);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
    if (rc != 0) throw_spawn_error(rc, argv_in);
    return pid;
  }
  ~Spawn() {
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
  Spawn(const Spawn&) = delete;
  Spawn& operator=(const Spawn&) = delete;
};

struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

}  // namespace

std::string Result::describe() const {
  if (timed_out) return fmt::format("timed out after {:.1f} s", double(elapsed.count()) / 1000.0);
  if (signal) return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  return fmt::format("exit code {}", exit_code);
}

Result PosixProcessRunner::run(const Command& cmd, bool attached) {
  if (cmd.argv.empty()) throw std::logic_error("ProcessRunner::run: empty argv");
  if (trace_) trace_(display(cmd.argv));
  std::array<int, 2> out_p{}, err_p{}, in_p{};
  if (pipe2(out_p.data(), O_CLOEXEC) || pipe2(err_p.data(), O_CLOEXEC) ||
      pipe2(in_p.data(), O_CLOEXEC))
    throw CommandFailed(fmt::format("pipe: {}", std::strerror(errno)));
  Fd out_r{out_p[0]}, out_w{out_p[1]}, err_r{err_p[0]}, err_w{err_p[1]}, in_r{in_p[0]},
      in_w{in_p[1]};

  Spawn sp;
  posix_spawn_file_actions_adddup2(&sp.fa, in_r.fd, 0);
  if (!attached) {
    posix_spawn_file_actions_adddup2(&sp.fa, out_w.fd, 1);
    posix_spawn_file_actions_adddup2(&sp.fa, err_w.fd, 2);
  }
  // Own process group, so a timeout kills the program and everything it started.
  posix_spawnattr_setpgroup(&sp.attr, 0);
  const auto start = Clock::now();
  const pid_t pid = sp.spawn(cmd.argv, cmd.env, cmd.unset_env, cmd.cwd, POSIX_SPAWN_SETPGROUP);
  out_w.reset();
  err_w.reset();
  in_r.reset();
  if (attached) {
    out_r.reset();
    err_r.reset();
  }

  Result r;
  // glibc 2.36 declares pidfd_open without C linkage: call the syscall directly.
  Fd pidfd{static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))};
  // Feed stdin (small inputs: SQL, answers) then close it so the child sees EOF.
  if (!cmd.input.empty()) {
    signal(SIGPIPE, SIG_IGN);
    std::size_t off = 0;
    while (off < cmd.input.size()) {
      ssize_t n = ::write(in_w.fd, cmd.input.data() + off, cmd.input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
  }
  in_w.reset();

  bool exited = false, killed = false;
  int status = 0;
  std::array<char, 8192> buf{};
  auto drain = [&](Fd& fd, std::string& into) {
    ssize_t n = ::read(fd.fd, buf.data(), buf.size());
    if (n > 0)
      into.append(buf.data(), static_cast<std::size_t>(n));
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
      fd.reset();
  };
  while (!exited || out_r.fd >= 0 || err_r.fd >= 0) {
    int wait_ms = -1;
    if (cmd.timeout.count() > 0 && !killed) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(start + cmd.timeout - Clock::now());
      wait_ms = static_cast<int>(std::max<long>(0, left.count()));
    }
    if (exited) wait_ms = 50;  // grandchildren may hold the pipes open: do not wait for them long
    if (pidfd.fd < 0 && !exited) wait_ms = wait_ms < 0 ? 10 : std::min(wait_ms, 10);
    std::array<pollfd, 3> fds{pollfd{out_r.fd, POLLIN, 0}, pollfd{err_r.fd, POLLIN, 0},
                              pollfd{exited ? -1 : pidfd.fd, POLLIN, 0}};
    int n = ::poll(fds.data(), fds.size(), wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (fds[0].revents) drain(out_r, r.out);
    if (fds[1].revents) drain(err_r, r.err);
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (exited && n == 0) break;
    if (!exited && !killed && interrupted()) {  // Ctrl-C: the child is in its own group
      killed = true;
      ::kill(-pid, SIGTERM);
      waitpid(pid, &status, 0);
      exited = true;
    }
    if (!exited && !killed && cmd.timeout.count() > 0 && Clock::now() >= start + cmd.timeout) {
      r.timed_out = true;
      killed = true;
      ::kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      exited = true;
    }
  }
  if (!exited) waitpid(pid, &status, 0);
  if (killed && !r.timed_out) throw_if_interrupted();
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

pid_t PosixProcessRunner::spawn_detached(const DetachedCommand& cmd) {
  if (cmd.argv.empty()) throw std::logic_error("spawn_detached: empty argv");
  if (trace_) trace_(display(cmd.argv) + "  (detached, log: " + cmd.log.string() + ")");
  Spawn sp;
  posix_spawn_file_actions_addopen(&sp.fa, 0, "/dev/null", O_RDONLY, 0);
  // Owner only: a log may say more than it should (docs/security.md).
  posix_spawn_file_actions_addopen(&sp.fa, 1, cmd.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&sp.fa, 1, 2);
  return sp.spawn(cmd.argv, cmd.env, cmd.unset_env, cmd.cwd, POSIX_SPAWN_SETSID);
}

namespace {

class PosixRunning final : public Running {
 public:
  PosixRunning(pid_t pid, int fd) : pid_(pid), out_{fd} {
    pidfd_.fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  }
  // The leader stays a zombie until here (running() does not reap it), so its group's ID cannot
  // be reused: SIGKILL then reaches only what is left of this group.
  ~PosixRunning() override {
    if (!exited_) {
      ::kill(-pid_, SIGTERM);
      wait_exit(std::chrono::seconds(2));
    }
    ::kill(-pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  PosixRunning(const PosixRunning&) = delete;
  PosixRunning& operator=(const PosixRunning&) = delete;

  std::optional<std::string> read_line(std::chrono::milliseconds timeout) override {
    const auto deadline = Clock::now() + timeout;
    while (true) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        transcript_ += line + "\n";
        return line;
      }
      if (out_.fd < 0) {  // ended: a last line without a newline, then nothing
        if (buffer_.empty()) return std::nullopt;
        std::string line = std::move(buffer_);
        buffer_.clear();
        transcript_ += line + "\n";
        return line;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_.fd, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left.count()));
      if (n < 0 && errno != EINTR) return std::nullopt;
      if (n <= 0) continue;
      std::array<char, 4096> buf{};
      const ssize_t got = ::read(out_.fd, buf.data(), buf.size());
      if (got > 0)
        buffer_.append(buf.data(), static_cast<std::size_t>(got));
      else if (got == 0 || errno != EINTR)
        out_.reset();
    }
  }

  bool running() override {
    if (exited_) return false;
    siginfo_t info{};
    exited_ = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
              info.si_pid == pid_;
    if (exited_) exit_code_ = info.si_code == CLD_EXITED ? info.si_status : -1;
    return !exited_;
  }

  std::optional<int> exit_code() override {
    if (running()) return std::nullopt;
    return exit_code_;
  }

  void interrupt() override {
    if (running()) ::kill(-pid_, SIGINT);
  }

  const std::string& transcript() const override { return transcript_; }

 private:
  // Waits for the leader to exit, at most `limit`; true once it has.
  bool wait_exit(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (running()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{pidfd_.fd, POLLIN, 0};
      // Without a pidfd (old kernels), look again every 10 ms.
      ::poll(&p, pidfd_.fd < 0 ? 0 : 1, pidfd_.fd < 0 ? 10 : static_cast<int>(left.count()));
    }
    return true;
  }

  pid_t pid_;
  Fd out_, pidfd_;
  bool exited_ = false;  // the leader exited (not reaped before the destructor)
  int exit_code_ = -1;
  std::string buffer_, transcript_;
};

}  // namespace

std::unique_ptr<Running> PosixProcessRunner::start(const Command& cmd) {
  if (cmd.argv.empty()) throw std::logic_error("ProcessRunner::start: empty argv");
  if (trace_) trace_(display(cmd.argv) + "  (runs alongside)");
  std::array<int, 2> out_p{};
  if (pipe2(out_p.data(), O_CLOEXEC))
    throw CommandFailed(fmt::format("pipe: {}", std::strerror(errno)));
  Fd out_r{out_p[0]}, out_w{out_p[1]};
  Spawn sp;
  posix_spawn_file_actions_addopen(&sp.fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&sp.fa, out_w.fd, 1);
  posix_spawn_file_actions_adddup2(&sp.fa, out_w.fd, 2);
  posix_spawnattr_setpgroup(&sp.attr, 0);
  const pid_t pid = sp.spawn(cmd.argv, cmd.env, cmd.unset_env, cmd.cwd, POSIX_SPAWN_SETPGROUP);
  out_w.reset();
  auto running = std::make_unique<PosixRunning>(pid, out_r.fd);
  out_r.fd = -1;  // the handle owns it now
  return running;
}

std::string display(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_not_of(
                                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                                   "VWXYZ0123456789_-./=:,@%+") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::filesystem::path find_program(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return ::access(name.c_str(), X_OK) == 0 ? std::filesystem::path(name)
                                             : std::filesystem::path();
  const char* path = std::getenv("PATH");
  std::string_view p = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!p.empty()) {
    auto colon = p.find(':');
    std::string dir(p.substr(0, colon));
    p = colon == std::string_view::npos ? std::string_view{} : p.substr(colon + 1);
    if (dir.empty()) dir = ".";
    auto cand = std::filesystem::path(dir) / name;
    if (::access(cand.c_str(), X_OK) == 0 && !std::filesystem::is_directory(cand)) return cand;
  }
  return {};
}

std::string tail_lines(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
  std::size_t end = pos;
  for (std::size_t n = 0; pos > 0; --pos)
    if (text[pos - 1] == '\n' && ++n == lines) break;
  return text.substr(pos, end - pos);
}

const Result& require_ok(const Result& r, const std::vector<std::string>& argv,
                         const std::string& hint) {
  if (r.ok()) return r;
  std::string tail = tail_lines(r.err.empty() ? r.out : r.err, 8);
  std::string msg = fmt::format("`{}` failed: {}", display(argv), r.describe());
  if (!tail.empty()) msg += "\n" + tail;
  if (r.timed_out) throw TimeoutError(msg, hint);
  throw CommandFailed(msg, hint);
}

}  // namespace boutique::core
