#pragma once
// A fixed-size pool of PostgreSQL connections: checkout/return, lazy (re)connection, one retry on a
// connection the server dropped. A connection is used by one thread at a time.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "db/errors.hpp"
#include "db/records.hpp"

namespace boutique::db {

class Pool {
 public:
  using Prepare = std::function<void(pqxx::connection&)>;

  Pool(std::string conninfo, std::size_t size, Prepare prepare,
       std::chrono::milliseconds acquire_timeout = std::chrono::seconds(5));
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<pqxx::connection> conn)
        : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    pqxx::connection& operator*() { return *conn_; }
    // The connection is unusable: close it instead of returning it.
    void discard() { conn_.reset(); }

   private:
    Pool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  // Waits for a free connection (opening one if needed). Throws Unavailable.
  Lease acquire();

  // Runs f(connection) and returns its result. f must be safe to run twice (its transaction is
  // rolled back when it fails), because:
  //   - a connection dropped at once (a server restart) is replaced and f retried once;
  //   - a serialization failure (40001) or a deadlock (40P01) is retried once, at once (PostgreSQL
  //     rolled the transaction back; the other side has gone on);
  // then connection-level failures, a lock timeout (55P03), and a conflict that comes back become
  // Unavailable (503 with Retry-After: the client tries again); any other SQL error QueryFailed.
  template <class F>
  auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
    for (int attempt = 0;; ++attempt) {
      auto lease = acquire();
      const auto started = std::chrono::steady_clock::now();
      try {
        return f(*lease);
      } catch (const pqxx::broken_connection& e) {
        lease.discard();
        // The others were opened to the same server by the same path: probably gone too.
        discard_idle();
        if (attempt > 0) throw Unavailable(std::string("connection lost: ") + e.what());
        // Lost after a wait: the client-side timeouts fired (db/conninfo.hpp), the server or the
        // path is gone; a retry would wait for a connect timeout too. Lost at once (a server
        // restart closed it): a new connection may well work.
        if (std::chrono::steady_clock::now() - started > kQuickLoss)
          throw Unavailable(std::string("connection lost (no answer): ") + e.what());
      } catch (const pqxx::in_doubt_error& e) {
        lease.discard();
        throw Unavailable(std::string("connection lost during commit: ") + e.what());
      } catch (const pqxx::serialization_failure& e) {  // 40001 (libpqxx 6: not an sql_error)
        if (attempt > 0)
          throw Unavailable(std::string("conflict again after a retry: ") + e.what());
      } catch (
          const pqxx::deadlock_detected& e) {  // 40P01: our transaction was the one rolled back
        if (attempt > 0)
          throw Unavailable(std::string("deadlock again after a retry: ") + e.what());
      } catch (
          const pqxx::transaction_rollback& e) {  // 40000, 40003: not known to be safe to repeat
        throw Unavailable(std::string("transaction rolled back: ") + e.what());
      } catch (const pqxx::sql_error& e) {
        const std::string& state = e.sqlstate();
        if (is_lock_timeout(state)) throw Unavailable(std::string("lock timeout: ") + e.what());
        if (!is_unavailability(state)) throw QueryFailed(state, e.what());
        lease.discard();
        if (attempt > 0 || !state.starts_with("57P")) throw Unavailable(e.what());
      }
    }
  }

  using Stats = PoolStats;
  Stats stats() const;

 private:
  void give_back(std::unique_ptr<pqxx::connection> conn);
  // Opens a connection; after a failed attempt, fails at once (Unavailable) for kRetryAfterFailure
  // and while another attempt is under way: only one request at a time waits for a connect timeout.
  std::unique_ptr<pqxx::connection> open();
  // Closes every idle connection (after one was found dead).
  void discard_idle();

  static constexpr std::chrono::milliseconds kRetryAfterFailure{1000};
  static constexpr std::chrono::milliseconds kQuickLoss{1000};

  const std::string conninfo_;
  const std::size_t size_;
  const Prepare prepare_;
  const std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;  // connections checked out or idle
  // The last attempt to connect failed: fail fast until retry_at_, then let one attempt through.
  bool unreachable_ = false;
  bool attempting_ = false;  // an attempt after a failure is under way
  std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace boutique::db
