#include "targets/local/start_wait.hpp"

#include <thread>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/http.hpp"
#include "core/interrupt.hpp"
#include "core/pids.hpp"
#include "core/process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::local {

void wait_until(const std::function<bool()>& ready, pid_t pid, const std::string& what,
                Clock::time_point deadline, const fs::path& log,
                const std::function<std::string()>& last_error) {
  while (true) {
    core::throw_if_interrupted();
    if (ready()) return;
    if (!core::process_alive(pid)) {
      std::string tail = core::tail_lines(core::read_text(log).value_or(""), 12);
      throw core::CommandFailed(fmt::format("{} stopped during start-up. Last lines of {}:\n{}",
                                            what, log.string(), tail),
                                "fix the cause above, then run `boutique up` again");
    }
    if (Clock::now() >= deadline)
      throw core::TimeoutError(
          fmt::format("{} was not ready before the deadline (last answer: {})", what, last_error()),
          fmt::format("see {} ; raise health_timeout or `boutique up --timeout` if the "
                      "machine is slow",
                      log.string()));
    std::this_thread::sleep_for(50ms);
  }
}

pid_t wait_http_ready(core::Context& ctx, const std::string& what, const std::string& url,
                      const std::string& path, const fs::path& pid_file, const fs::path& log,
                      Clock::time_point deadline) {
  // The recorded pid, even if the process is already gone: wait_until then shows its log.
  auto p = core::read_pid_file(pid_file);
  if (!p) throw core::CommandFailed("no pid file " + pid_file.string(), "run `boutique up` again");
  auto step = ctx.progress->step(fmt::format("Waiting for {} on {}", what, url));
  core::HttpResponse last;
  try {
    wait_until([&] { return (last = core::http_get(url + path, 1s)).ok(); }, *p, what, deadline,
               log, [&] { return last.describe(); });
  } catch (const core::Error&) {
    step.fail();
    throw;
  }
  step.done(fmt::format("ready, pid {}", *p));
  return *p;
}

}  // namespace boutique::targets::local
