// SIGTERM/SIGINT: stop accepting, finish the requests in flight, exit 0 within 2 s (docs/api.md).
#include <gtest/gtest.h>

#include <csignal>

#include "support/api_test.hpp"
#include "support/raw_http.hpp"

namespace boutique::it {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kExitDeadline = std::chrono::seconds(2);

std::string http_request(const std::string& method, const std::string& path,
                         const std::string& body = {}) {
  std::string req =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n";
  if (!body.empty()) {
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return req + "\r\n" + body;
}

class ArretPropre : public ApiTest<ArretPropre> {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!env().process().running()) env().restart();
  }
};

TEST_F(ArretPropre, InFlightRequestsCompleteThenExitZero) {
  const int port = env().process().port();
  const std::string login =
      nlohmann::json({{"email", kDemoUserEmail}, {"password", env().user_password()}}).dump();
  constexpr int kConnections = 16;
  std::vector<RawConnection> conns;
  for (int i = 0; i < kConnections; ++i) {
    conns.emplace_back(port);
    conns.back().send_all(http_request("GET", "/healthz"));
    const auto warm = conns.back().read_response(std::chrono::seconds(5));
    ASSERT_TRUE(warm && warm->status == 200) << "connection " << i << ": " << conns.back().error();
  }
  // Every connection is accepted and idle; now each gets a request that needs the database
  // (half of them an argon2 login, slow on purpose), and SIGTERM follows at once.
  for (int i = 0; i < kConnections; ++i) {
    conns[static_cast<size_t>(i)].send_all(
        i % 2 == 0 ? http_request("POST", "/api/auth/login", login)
                   : http_request("GET", "/api/produits?par_page=100&q=" + random_token(6)));
  }
  env().process().signal(SIGTERM);
  const auto signalled = Clock::now();

  for (int i = 0; i < kConnections; ++i) {
    auto& c = conns[static_cast<size_t>(i)];
    const auto r = c.read_response(std::chrono::seconds(5));
    ASSERT_TRUE(r.has_value()) << "request " << i
                               << " in flight at SIGTERM was dropped: " << c.error();
    EXPECT_EQ(r->status, 200) << r->head << "\n" << r->body;
    if (i % 2 == 0) {
      EXPECT_NE(r->body.find("\"token\""), std::string::npos) << r->body;
    }
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      kExitDeadline - (Clock::now() - signalled));
  const auto status = env().process().wait_exit(std::max(left, std::chrono::milliseconds(0)));
  ASSERT_TRUE(status.has_value()) << "still running 2 s after SIGTERM";
  EXPECT_EQ(describe_wait_status(*status), "exit 0");
  EXPECT_TRUE(connection_refused(port)) << "nothing listens after exit";
}

TEST_F(ArretPropre, IdleProcessExitsZeroOnSigtermAndSigint) {
  for (const int sig : {SIGTERM, SIGINT}) {
    if (!env().process().running()) env().restart();
    ASSERT_EQ(http().get("/healthz").status, 200);
    env().process().signal(sig);
    const auto status = env().process().wait_exit(kExitDeadline);
    ASSERT_TRUE(status.has_value()) << "signal " << sig << ": still running after 2 s";
    EXPECT_EQ(describe_wait_status(*status), "exit 0") << "signal " << sig;
  }
}

TEST_F(ArretPropre, KeepAliveConnectionsDoNotDelayExit) {
  // Idle keep-alive clients (a browser, a load balancer) must not hold the process past 2 s.
  std::vector<RawConnection> idle;
  for (int i = 0; i < 8; ++i) {
    idle.emplace_back(env().process().port());
    idle.back().send_all(http_request("GET", "/healthz"));
    ASSERT_TRUE(idle.back().read_response(std::chrono::seconds(5)).has_value());
  }
  env().process().signal(SIGTERM);
  const auto status = env().process().wait_exit(kExitDeadline);
  ASSERT_TRUE(status.has_value()) << "idle keep-alive connections kept it running past 2 s";
  EXPECT_EQ(describe_wait_status(*status), "exit 0");
}

}  // namespace
}  // namespace boutique::it
