#include "http/work_queue.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace boutique::http {

WorkQueue::WorkQueue(std::string name, unsigned workers, std::size_t capacity, int nice)
    : capacity_(std::max<std::size_t>(capacity, 1)), nice_(std::clamp(nice, 0, 19)) {
  name.resize(std::min<std::size_t>(name.size(), 15));
  for (unsigned i = 0; i < std::max(workers, 1u); ++i) {
    threads_.emplace_back([this] { work(); });
    pthread_setname_np(threads_.back().native_handle(), name.c_str());
  }
}

WorkQueue::~WorkQueue() {
  stop();
}

bool WorkQueue::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= capacity_) return false;
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void WorkQueue::stop() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(jobs_);
  }
  ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  // `dropped` is destroyed here, outside the lock: a job's captures may take locks of their own.
}

std::size_t WorkQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void WorkQueue::work() {
  if (nice_ > 0) {
    // A new thread starts at its creator's nice value. Lowering one's own priority needs no
    // privilege; if it fails anyway (a seccomp policy), the worker just runs at the same priority.
    const auto self = static_cast<id_t>(::gettid());
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, self);
    if (errno == 0) ::setpriority(PRIO_PROCESS, self, std::min(19, current + nice_));
  }
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace boutique::http
