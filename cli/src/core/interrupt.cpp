#include "core/interrupt.hpp"

#include <signal.h>

#include <atomic>

#include "core/errors.hpp"

namespace boutique::core {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) {
  g_interrupted.store(true);
}

}  // namespace

void catch_interrupts() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking poll() returns EINTR and the loop notices
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &sa, nullptr);
}

bool interrupted() {
  return g_interrupted.load();
}

void clear_interrupt() {
  g_interrupted.store(false);
}

void throw_if_interrupted() {
  if (interrupted())
    throw Aborted("interrupted", "run `boutique up` again to continue, or `boutique down` to stop");
}

}  // namespace boutique::core
