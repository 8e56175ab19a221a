#include "db/pool.hpp"

namespace boutique::db {

Pool::Pool(std::string conninfo, std::size_t size, Prepare prepare,
           std::chrono::milliseconds acquire_timeout)
    : conninfo_(std::move(conninfo)),
      size_(size),
      prepare_(std::move(prepare)),
      acquire_timeout_(acquire_timeout) {}

Pool::Lease::~Lease() {
  if (pool_) pool_->give_back(std::move(conn_));
}

std::unique_ptr<pqxx::connection> Pool::open() {
  {
    std::lock_guard lock(mutex_);
    if (unreachable_) {
      if (attempting_ || std::chrono::steady_clock::now() < retry_at_)
        throw Unavailable("PostgreSQL unreachable a moment ago (fail fast until the next attempt)");
      attempting_ = true;
    }
  }
  const auto outcome = [this](bool reached) {
    std::lock_guard lock(mutex_);
    if (reached) {
      unreachable_ = false;
    } else {
      unreachable_ = true;
      retry_at_ = std::chrono::steady_clock::now() + kRetryAfterFailure;
    }
    attempting_ = false;
  };
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo_);
    if (prepare_) prepare_(*conn);
    outcome(true);
    return conn;
  } catch (const pqxx::broken_connection& e) {
    outcome(false);
    throw Unavailable(std::string("cannot connect to PostgreSQL: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    outcome(false);
    throw Unavailable(std::string("cannot connect to PostgreSQL: ") + e.what());
  } catch (...) {
    outcome(false);
    throw;
  }
}

void Pool::discard_idle() {
  std::vector<std::unique_ptr<pqxx::connection>> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped.swap(idle_);
    open_ -= dropped.size();
  }
  available_.notify_all();
  // Closed here, outside the lock: closing a connection to a dead server can take a moment.
}

Pool::Lease Pool::acquire() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, acquire_timeout_,
                           [this] { return !idle_.empty() || open_ < size_; })) {
    throw Unavailable("no free database connection (pool exhausted)");
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->is_open()) return Lease(*this, std::move(conn));
    --open_;  // closed underneath us: open a fresh one below
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, open());
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void Pool::give_back(std::unique_ptr<pqxx::connection> conn) {
  {
    std::lock_guard lock(mutex_);
    if (conn && conn->is_open())
      idle_.push_back(std::move(conn));
    else
      --open_;
  }
  available_.notify_one();
}

Pool::Stats Pool::stats() const {
  std::lock_guard lock(mutex_);
  return {size_, open_ - idle_.size(), idle_.size()};
}

}  // namespace boutique::db
