// A network partition between the API and PostgreSQL (packets dropped, connections left open: no
// FIN, no RST): the API answers 503 within seconds instead of hanging until TCP gives up (~15 min),
// /readyz says so, the product list cache turns itself off (its change listener's heartbeat fails),
// and everything recovers by itself when the path comes back. The API reaches the shared cluster
// through a proxy of its own (support/tcp_proxy.hpp) whose port the partition cuts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "support/api_test.hpp"
#include "support/partition.hpp"
#include "support/tcp_proxy.hpp"

namespace boutique::it {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::unique_ptr<TcpProxy>& proxy() {
  static std::unique_ptr<TcpProxy> p;
  return p;
}

// postgresql://user:pw@127.0.0.1:PORT/db → the same URL through a new proxy to PORT.
std::string through_proxy(const std::string& url) {
  const auto host = url.find("@127.0.0.1:");
  if (host == std::string::npos) throw std::runtime_error("unexpected database URL shape");
  const auto start = host + 11;
  const auto end = url.find('/', start);
  proxy() = std::make_unique<TcpProxy>(std::stoi(url.substr(start, end - start)));
  return url.substr(0, start) + std::to_string(proxy()->port()) + url.substr(end);
}

class Coupure : public ApiTest<Coupure> {
 public:
  static SuiteOptions suite_options() { return {.api_database_url = through_proxy}; }
};

// Polls GET path until it answers `want` or `limit` passes: the time it took, or nullopt. Every
// answer seen must be `want` or the status it replaces (`other`), never a 500 or a hang.
std::optional<Clock::duration> until_status(HttpClient& client, const std::string& path, long want,
                                            long other, Clock::duration limit) {
  const auto t0 = Clock::now();
  while (Clock::now() - t0 < limit) {
    const auto r = client.get(path);
    if (r.status == want) return Clock::now() - t0;
    EXPECT_EQ(r.status, other) << path << ": " << r.describe();
    std::this_thread::sleep_for(100ms);  // polling pace, bounded by `limit`
  }
  return std::nullopt;
}

TEST_F(Coupure, APartitionIsA503WithinSecondsAndHealsByItself) {
  if (::geteuid() != 0) GTEST_SKIP() << Partition::unavailable_reason();
  ASSERT_EQ(Partition::unavailable_reason(), "");
  HttpClient client = env().client();
  client.set_timeout(60s);  // a hang shows as a slow answer, measured below
  ASSERT_EQ(client.get("/api/produits").status, 200);  // cached from here on
  ASSERT_EQ(client.get("/api/produits?q=souris").status, 200);
  ASSERT_EQ(client.get("/readyz").status, 200);

  auto cut = std::make_unique<Partition>(proxy()->port());
  // A search needs the database: its connection's timeouts (tcp_user_timeout, keepalives) end the
  // wait, the reconnection attempt times out (3 s), and the answer is a 503.
  auto t0 = Clock::now();
  const auto first = client.get("/api/produits?q=clavier");
  const auto first_took = Clock::now() - t0;
  EXPECT_EQ(first.status, 503) << first.describe();
  EXPECT_TRUE(first.header("Retry-After").has_value());
  EXPECT_LT(first_took, 15s) << "the first request after the cut waited too long";
  // Then the pool fails fast: no request waits for a connection attempt of its own.
  t0 = Clock::now();
  EXPECT_EQ(client.get("/api/produits?q=souris").status, 503);
  EXPECT_LT(Clock::now() - t0, 5s);
  t0 = Clock::now();
  EXPECT_EQ(client.get("/readyz").status, 503);
  EXPECT_LT(Clock::now() - t0, 5s);
  // The list cache goes off once the change listener's heartbeat fails: the list is a 503 too
  // (stale prices and stock are not served from memory while changes cannot be heard).
  EXPECT_TRUE(until_status(client, "/api/produits", 503, 200, 20s))
      << "the cached list was still served 20 s into the partition";
  t0 = Clock::now();
  EXPECT_EQ(client.get("/healthz").status, 200);
  EXPECT_LT(Clock::now() - t0, 1s) << "/healthz waited on the database";

  cut->heal();
  // Recovery by itself: readiness, a search, the list (its cache back on).
  const auto ready = until_status(client, "/readyz", 200, 503, 20s);
  ASSERT_TRUE(ready) << "/readyz not 200 within 20 s of the path's return";
  EXPECT_TRUE(until_status(client, "/api/produits?q=souris", 200, 503, 10s));
  EXPECT_TRUE(until_status(client, "/api/produits", 200, 503, 10s));
  std::cout << "[ info ] first answer after the cut "
            << std::chrono::duration<double>(first_took).count() << " s; ready again "
            << std::chrono::duration<double>(*ready).count() << " s after the heal\n";
}

}  // namespace
}  // namespace boutique::it
