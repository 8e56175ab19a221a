#pragma once
// Where handlers that block (database calls, password hashing) run: a fixed set of worker threads
// and a bounded FIFO of jobs, so that Pistache's network threads never wait on PostgreSQL or
// argon2id. When the FIFO is full a job is refused at once (the caller answers 503) instead of
// queueing without bound.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boutique::http {

class WorkQueue {
 public:
  using Job = std::function<void()>;

  // `workers` threads (≥ 1) named `name` (for top/gdb: at most 15 characters), at most `capacity`
  // jobs waiting (≥ 1). The threads run `nice` steps below the thread that makes the queue
  // (Linux's nice is per thread; capped at 19): when the CPUs are contended, the network threads,
  // which answer from memory, go before the jobs, which mostly wait for PostgreSQL or hash.
  WorkQueue(std::string name, unsigned workers, std::size_t capacity, int nice = 0);
  ~WorkQueue();  // stop()
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues the job; false (the job is dropped, not run) when `capacity` jobs already wait or the
  // queue is stopped. A job must not throw.
  bool submit(Job job);

  // Waits for the running jobs to end, drops the waiting ones (destroyed, not run), joins the
  // threads. Idempotent.
  void stop();

  std::size_t waiting() const;
  std::size_t capacity() const { return capacity_; }
  unsigned workers() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void work();

  const std::size_t capacity_;
  const int nice_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace boutique::http
