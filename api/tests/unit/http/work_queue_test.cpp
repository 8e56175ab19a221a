// The worker queues and the per-connection strands the server hands blocking handlers to.
#include "http/work_queue.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/strands.hpp"

using namespace boutique::http;
using namespace std::chrono_literals;

TEST(WorkQueue, RunsEveryJobOnItsWorkers) {
  std::atomic<int> ran{0};
  {
    WorkQueue q("test", 2, 100);
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(q.submit([&] { ++ran; }));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (ran.load() < 50 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);  // polling with a deadline
  }
  EXPECT_EQ(ran.load(), 50);
}

// The workers run below the thread that made the queue (per-thread nice, capped at 19); the
// caller's own priority does not change.
TEST(WorkQueue, WorkersRunNiceStepsBelowTheirCreator) {
  const auto nice_of_this_thread = [] {
    errno = 0;
    return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  };
  const int mine = nice_of_this_thread();
  for (const int steps : {0, 7, 40}) {
    std::promise<int> seen;
    WorkQueue q("test", 1, 1, steps);
    ASSERT_TRUE(q.submit([&] { seen.set_value(nice_of_this_thread()); }));
    EXPECT_EQ(seen.get_future().get(), std::min(19, mine + std::min(steps, 19))) << steps;
  }
  EXPECT_EQ(nice_of_this_thread(), mine);
}

// With its workers busy, the queue takes `capacity` jobs and refuses the next at once; stop()
// drops what still waits (destroyed, never run) and lets the running job finish.
TEST(WorkQueue, RefusesBeyondItsCapacityAndStopDropsWhatWaits) {
  WorkQueue q("test", 1, 3);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(q.submit([&, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the worker is busy now
  std::atomic<int> ran{0};
  auto witness = std::make_shared<int>(0);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(q.submit([&ran, witness] { ++ran; })) << i;
  EXPECT_EQ(q.waiting(), 3U);
  EXPECT_FALSE(q.submit([&ran] { ++ran; })) << "a fourth waiting job is refused";
  EXPECT_EQ(witness.use_count(), 4);
  auto stopping = std::async(std::launch::async, [&] { q.stop(); });
  // stop() takes the waiting jobs at once, then waits for the running one: release it only then.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (q.waiting() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);  // polling with a deadline
  release.set_value();
  stopping.get();
  EXPECT_EQ(ran.load(), 0) << "jobs still waiting at stop() never run";
  EXPECT_EQ(witness.use_count(), 1) << "and are destroyed";
  EXPECT_FALSE(q.submit([] {})) << "a stopped queue takes nothing";
}

TEST(Strands, OneKeysWorkRunsInOrderOthersAreFree) {
  Strands<std::string> strands;
  int a = 0, b = 0;
  EXPECT_TRUE(strands.enter_or_defer(&a, [] { return std::string("a1"); }));
  EXPECT_TRUE(strands.enter_or_defer(&b, [] { return std::string("b1"); })) << "another key";
  EXPECT_FALSE(strands.enter_or_defer(&a, [] { return std::string("a2"); }));
  EXPECT_FALSE(strands.enter_or_defer(&a, [] { return std::string("a3"); }));
  EXPECT_EQ(strands.busy(), 2U);
  auto next = strands.done(&a);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "a2");
  next = strands.done(&a);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "a3");
  EXPECT_FALSE(strands.done(&a)) << "nothing left: the key is idle again";
  EXPECT_TRUE(strands.enter_or_defer(&a, [] { return std::string("a4"); }));
  EXPECT_FALSE(strands.done(&b));
  EXPECT_FALSE(strands.done(&a));
  EXPECT_EQ(strands.busy(), 0U);
}
