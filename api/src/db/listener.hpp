#pragma once
// Listens for PostgreSQL NOTIFY 'produits_changed' on a dedicated connection and invalidates the
// product list cache of this replica. While not listening (database down or unreachable: a
// heartbeat query every couple of seconds finds out), the cache is disabled: a change made
// meanwhile by another replica would otherwise go unnoticed.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace boutique::db {

class ChangeListener {
 public:
  // Quiet time after which the listener checks its connection with a query.
  static constexpr std::chrono::seconds kHeartbeat{2};

  struct Callbacks {
    std::function<void()> changed;        // a notification arrived
    std::function<void(bool)> listening;  // now (not) listening
  };
  ChangeListener(std::string conninfo, Callbacks callbacks);
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;
  ~ChangeListener();

  void start();
  void stop();

 private:
  void loop();

  const std::string conninfo_;
  const Callbacks callbacks_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace boutique::db
