#include "db/listener.hpp"

#include <pqxx/pqxx>

#include "app/log.hpp"

namespace boutique::db {
namespace {

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, std::function<void()> on_change)
      : pqxx::notification_receiver(conn, "produits_changed"), on_change_(std::move(on_change)) {}
  void operator()(const std::string&, int) override { on_change_(); }

 private:
  std::function<void()> on_change_;
};

}  // namespace

ChangeListener::ChangeListener(std::string conninfo, Callbacks callbacks)
    : conninfo_(std::move(conninfo)), callbacks_(std::move(callbacks)) {}

ChangeListener::~ChangeListener() {
  stop();
}

void ChangeListener::start() {
  thread_ = std::thread([this] { loop(); });
}

void ChangeListener::stop() {
  stopping_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChangeListener::loop() {
  bool reported_down = false;
  while (!stopping_) {
    try {
      pqxx::connection conn(conninfo_);
      Receiver receiver(conn, callbacks_.changed);
      conn.get_notifs();  // LISTEN is issued now
      callbacks_.listening(true);
      if (reported_down) app::log::info("change listener reconnected");
      reported_down = false;
      // A heartbeat every kHeartbeat of quiet: a connection whose server or path is gone would
      // otherwise wait for notifications that never come, with the cache on. The connection's
      // keepalives (db/conninfo.hpp) bound how long the heartbeat itself can hang.
      auto last_contact = std::chrono::steady_clock::now();
      while (!stopping_) {
        if (conn.await_notification(0, 300'000) > 0)
          last_contact = std::chrono::steady_clock::now();
        if (std::chrono::steady_clock::now() - last_contact >= kHeartbeat) {
          pqxx::nontransaction(conn).exec("SELECT 1");
          last_contact = std::chrono::steady_clock::now();
        }
      }
      callbacks_.listening(false);
      return;
    } catch (const std::exception& e) {
      callbacks_.listening(false);
      if (!reported_down)
        app::log::warn("change listener lost the database").str("error", e.what());
      reported_down = true;
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
  }
}

}  // namespace boutique::db
