#pragma once
// Listens for PostgreSQL NOTIFY 'produits_changed' on a dedicated connection and invalidates the
// product list cache of this replica. While not listening (database down), the cache is disabled:
// a change made meanwhile by another replica would otherwise go unnoticed.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace boutique::db {

class ChangeListener {
 public:
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
