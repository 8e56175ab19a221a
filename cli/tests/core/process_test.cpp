// ProcessRunner with real processes: capture, exit codes, a missing program, timeouts, env, stdin;
// and the small-file helpers (an atomic write that fails keeps the old file).
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/files.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "core/ports.hpp"
#include "core/process.hpp"

using namespace boutique::core;
using namespace std::chrono_literals;

TEST(ProcessRunner, CapturesStdoutAndStderrSeparately) {
  PosixProcessRunner r;
  auto res = r.run({{"sh", "-c", "echo out; echo err >&2"}, {}, {}, 10s, {}});
  EXPECT_TRUE(res.ok());
  EXPECT_EQ(res.out, "out\n");
  EXPECT_EQ(res.err, "err\n");
}

TEST(ProcessRunner, CapturesLargeOutputWithoutDeadlock) {
  PosixProcessRunner r;
  auto res = r.run(
      {{"sh", "-c", "head -c 1000000 /dev/zero; head -c 300000 /dev/zero >&2"}, {}, {}, 10s, {}});
  EXPECT_TRUE(res.ok());
  EXPECT_EQ(res.out.size(), 1000000u);
  EXPECT_EQ(res.err.size(), 300000u);
}

TEST(ProcessRunner, ReportsNonZeroExit) {
  PosixProcessRunner r;
  auto res = r.run({{"sh", "-c", "exit 3"}, {}, {}, 10s, {}});
  EXPECT_FALSE(res.ok());
  EXPECT_EQ(res.exit_code, 3);
  EXPECT_EQ(res.describe(), "exit code 3");
  EXPECT_THROW(require_ok(res, {"sh", "-c", "exit 3"}), CommandFailed);
}

TEST(ProcessRunner, ReportsDeathBySignal) {
  PosixProcessRunner r;
  auto res = r.run({{"sh", "-c", "kill -9 $$"}, {}, {}, 10s, {}});
  EXPECT_EQ(res.signal, SIGKILL);
  EXPECT_FALSE(res.ok());
}

TEST(ProcessRunner, MissingProgramThrowsProgramNotFound) {
  PosixProcessRunner r;
  try {
    r.run({{"boutique-no-such-program-xyz"}, {}, {}, 10s, {}});
    FAIL() << "expected ProgramNotFound";
  } catch (const ProgramNotFound& e) {
    EXPECT_NE(std::string(e.what()).find("boutique-no-such-program-xyz"), std::string::npos);
    EXPECT_EQ(e.code(), boutique::core::ExitCode::missing_prereq);
  }
}

TEST(ProcessRunner, KillsASleeperAtItsTimeout) {
  PosixProcessRunner r;
  auto t0 = std::chrono::steady_clock::now();
  // The shell's child (sleep) shares its process group and holds the pipes: both must go.
  auto res = r.run({{"sh", "-c", "sleep 30; echo never"}, {}, {}, 300ms, {}});
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(res.timed_out);
  EXPECT_FALSE(res.ok());
  EXPECT_LT(took, 5s);
  EXPECT_EQ(res.out, "");
  EXPECT_THROW(require_ok(res, {"sh"}), TimeoutError);
}

TEST(ProcessRunner, PassesEnvironmentCwdAndStdin) {
  PosixProcessRunner r;
  auto dir = std::filesystem::temp_directory_path();
  auto res = r.run({{"sh", "-c", "printf '%s|' \"$BOUTIQUE_TEST_VAR\" \"$(pwd)\"; cat"},
                    {{"BOUTIQUE_TEST_VAR", "valeur é"}},
                    dir,
                    10s,
                    "from stdin"});
  EXPECT_TRUE(res.ok()) << res.err;
  EXPECT_EQ(res.out, "valeur é|" + std::filesystem::canonical(dir).string() + "|from stdin");
}

// unset_env drops inherited variables by name or by prefix; what `env` adds is kept.
TEST(ProcessRunner, UnsetEnvDropsInheritedVariables) {
  ::setenv("BOUTIQUE_UNSET_A", "a", 1);
  ::setenv("BOUTIQUE_UNSET_B", "b", 1);
  ::setenv("UNSET_EXACT", "c", 1);
  ::setenv("UNSET_EXACT_KEPT", "d", 1);
  Command cmd;
  cmd.argv = {"env"};
  cmd.env = {{"BOUTIQUE_UNSET_ADDED", "e"}};
  cmd.unset_env = {"BOUTIQUE_UNSET_*", "UNSET_EXACT"};
  auto res = PosixProcessRunner().run(cmd);
  ::unsetenv("BOUTIQUE_UNSET_A");
  ::unsetenv("BOUTIQUE_UNSET_B");
  ::unsetenv("UNSET_EXACT");
  ::unsetenv("UNSET_EXACT_KEPT");
  ASSERT_TRUE(res.ok()) << res.err;
  EXPECT_EQ(res.out.find("BOUTIQUE_UNSET_A="), std::string::npos) << res.out;
  EXPECT_EQ(res.out.find("BOUTIQUE_UNSET_B="), std::string::npos) << res.out;
  EXPECT_EQ(("\n" + res.out).find("\nUNSET_EXACT="), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("UNSET_EXACT_KEPT=d"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("BOUTIQUE_UNSET_ADDED=e"), std::string::npos) << res.out;
}

TEST(ProcessRunner, TracesEveryCommandLine) {
  std::vector<std::string> seen;
  PosixProcessRunner r([&](const std::string& l) { seen.push_back(l); });
  r.run({{"echo", "a b", "c'd"}, {}, {}, 10s, {}});
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "echo 'a b' 'c'\\''d'");
}

TEST(ProcessRunner, SpawnDetachedWritesLogAndSurvivesInItsOwnSession) {
  PosixProcessRunner r;
  auto log = std::filesystem::temp_directory_path() /
             ("boutique-detached-" + std::to_string(::getpid()) + ".log");
  pid_t pid = r.spawn_detached({{"sh", "-c", "echo started; exec sleep 30"}, {}, {}, log});
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(process_alive(pid));
  EXPECT_EQ(::getsid(pid), pid);  // session leader: no controlling terminal of ours
  for (int i = 0; i < 200 && read_text(log).value_or("").empty(); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(read_text(log).value_or(""), "started\n");
  EXPECT_TRUE(stop_process(pid, SIGTERM, 2s));
  EXPECT_FALSE(process_alive(pid));
  std::filesystem::remove(log);
}

// A program started alongside (kubectl port-forward): its lines as they come, both streams; ending
// the handle ends its whole process group, a child that ignores SIGTERM included.
TEST(ProcessRunner, StartedProgramIsReadLineByLineAndStoppedWithItsGroup) {
  PosixProcessRunner r;
  auto running = r.start({{"sh", "-c",
                           "echo first; echo second >&2; (trap '' TERM; sleep 60) & echo $! ; "
                           "printf 'no newline'; exec sleep 60"},
                          {},
                          {},
                          {},
                          {}});
  EXPECT_EQ(running->read_line(10s), "first");
  EXPECT_EQ(running->read_line(10s), "second");
  const auto child = running->read_line(10s);
  ASSERT_TRUE(child);
  const pid_t child_pid = std::stoi(*child);
  EXPECT_FALSE(running->read_line(200ms)) << "a partial line waits for its newline";
  EXPECT_TRUE(running->running());
  EXPECT_EQ(running->exit_code(), std::nullopt);
  EXPECT_EQ(running->transcript(), "first\nsecond\n" + *child + "\n");
  const auto t0 = std::chrono::steady_clock::now();
  running.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  // The child ignoring SIGTERM got SIGKILL with its group: gone, or a zombie left to init (which
  // may not reap it soon in a container).
  const auto dead = [child_pid] {
    std::ifstream stat("/proc/" + std::to_string(child_pid) + "/stat");
    std::string pid, comm, state;
    return !(stat >> pid >> comm >> state) || state == "Z";
  };
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!dead() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(dead()) << "pid " << child_pid << " outlived its handle";
}

TEST(ProcessRunner, StartedProgramThatEndsGivesItsLastLineThenNothing) {
  PosixProcessRunner r;
  auto running =
      r.start({{"sh", "-c", "echo 'error: lost connection to pod'; exit 1"}, {}, {}, {}, {}});
  EXPECT_EQ(running->read_line(10s), "error: lost connection to pod");
  EXPECT_FALSE(running->read_line(10s));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (running->running() && std::chrono::steady_clock::now() < deadline)
    running->read_line(20ms);
  EXPECT_FALSE(running->running());
  EXPECT_EQ(running->exit_code(), 1);
  auto killed = r.start({{"sh", "-c", "kill -9 $$"}, {}, {}, {}, {}});
  const auto killed_deadline = std::chrono::steady_clock::now() + 10s;
  while (killed->running() && std::chrono::steady_clock::now() < killed_deadline)
    killed->read_line(20ms);
  EXPECT_EQ(killed->exit_code(), -1) << "ended by a signal";
  EXPECT_THROW(r.start({{"/nonexistent/kubectl"}, {}, {}, {}, {}}), ProgramNotFound);
}

// A write that fails half-way (here: the file size limit, as a full disk would) replaces nothing:
// the old content stays and no partial temporary file is left.
TEST(Files, AFailedWriteKeepsTheOldFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("boutique-files-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "pushed.json";
  write_text(file, "old\n");
  const pid_t child = ::fork();
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{16, 16};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      write_text(file, std::string(4096, 'x'));
    } catch (const Error&) {
      ::_exit(0);  // refused, as it must be
    }
    ::_exit(1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the short write was not an error";
  EXPECT_EQ(read_text(file), "old\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1) << "a temp file stays";
  std::filesystem::remove_all(dir);
}

TEST(System, LastLinesAndFindProgram) {
  EXPECT_EQ(tail_lines("a\nb\nc\n", 2), "b\nc");
  EXPECT_FALSE(find_program("sh").empty());
  EXPECT_TRUE(find_program("boutique-no-such-program-xyz").empty());
}

TEST(Http, ClosedPortIsConnectionRefusedNotAnException) {
  // A port nobody listens on.
  int port = 0;
  for (int p = 47000; p < 47100 && port == 0; ++p)
    if (port_free("127.0.0.1", p) && !port_accepts("127.0.0.1", p, 100ms)) port = p;
  ASSERT_NE(port, 0);
  auto r = http_get("http://127.0.0.1:" + std::to_string(port) + "/healthz", 1s);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "connection refused");
}
