// Hostile input, transport: request lines, header fields, framing, pipelining, Connection: close.
// The fixture and the checks: hostile_fixture.hpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "hostile_fixture.hpp"

namespace boutique::it {
namespace {

// ---- Transport: request lines, header fields, framing -------------------------------------------

TEST_F(Hostile, MalformedRequestsGetProblemsAndTheConnectionIsClosed) {
  const auto before = snapshot();
  struct Case {
    std::string bytes;
    int status;
    const char* what;
  };
  const std::string post = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\n";
  const std::vector<Case> cases = {
      {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), 400, "TLS ClientHello"},
      {std::string("\0\0\0\0", 4), 400, "NUL bytes"},
      {"garbage\r\n\r\n", 400, "no method"},
      {"GET /healthz\r\n\r\n", 400, "HTTP/0.9 request line"},
      {"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 400, "unknown version"},
      {"GET /healthz HTTP/1.1\nHost: x\n\n", 400, "bare LF line ends"},
      {"GET  /healthz HTTP/1.1\r\n\r\n", 400, "two spaces"},
      {"FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405, "unknown method"},
      {"TRACE /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405, "TRACE"},
      {"GET /api/produits/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", 400, "raw bytes in the target"},
      {"GET /api/produits?q=\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "control byte in the query"},
      {"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", 400, "field without colon"},
      {"GET /healthz HTTP/1.1\r\n: v\r\n\r\n", 400, "empty field name"},
      {"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400, "space before colon"},
      {"GET /healthz HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400, "obs-fold"},
      {std::string("GET /healthz HTTP/1.1\r\nX-A: a") + '\0' + "b\r\n\r\n", 400, "NUL in a value"},
      {"GET /healthz HTTP/1.1\r\nHost: :::99999999999\r\n\r\n", 400, "Host with a bad port"},
      {"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "two Hosts"},
      {post + "Content-Length: -5\r\n\r\n{}", 400, "negative Content-Length"},
      {post + "Content-Length: 99999999999999999999\r\n\r\n{}", 400, "Content-Length overflow"},
      {post + "Content-Length: 2x\r\n\r\n{}", 400, "Content-Length with junk"},
      {post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, "two Content-Lengths"},
      {post + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{}\r\n0\r\n\r\n", 411,
       "chunked with a huge chunk size"},
      {post + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}", 411,
       "Content-Length and Transfer-Encoding (smuggling)"},
      {post + "Transfer-Encoding: gzip\r\n\r\n{}", 411, "unknown transfer coding"},
      {post + "Expect: 200-ok\r\nContent-Length: 2\r\n\r\n{}", 417, "unknown expectation"},
      {post + "Content-Length: 10485760\r\n\r\n", 413, "10 MiB announced"},
  };
  for (const auto& c : cases) expect_refused(c.bytes, c.status, c.what);
  // Fields the server never reads are not parsed: a malformed one is ignored (as nginx does), not
  // a reason to refuse the request.
  for (const char* field : {"Date: not a date", "Cache-Control: max-age=zz", "Accept: ;;;/"}) {
    const auto x =
        exchange(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n") + field + "\r\n\r\n");
    ASSERT_TRUE(x.response.has_value()) << field << ": " << x.error;
    EXPECT_EQ(x.response->status, 200) << field;
  }
  expect_unharmed(before, "malformed requests");
}

TEST_F(Hostile, HeaderFloodsAndHugeRequestLinesAreRefusedAtOnce) {
  const auto before = snapshot();
  const std::string line = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  std::string hundred;
  for (int i = 0; i < 99; ++i) hundred += "X-H" + std::to_string(i) + ": v\r\n";
  const auto ok = exchange(line + hundred + "\r\n");
  ASSERT_TRUE(ok.response.has_value()) << ok.error;
  EXPECT_EQ(ok.response->status, 200) << "100 header fields are fine";

  std::string flood;
  for (int i = 0; i < 50000; ++i)
    flood += "X-H" + std::to_string(i) + ": " + std::string(60, 'v') + "\r\n";
  struct Case {
    std::string bytes;
    int status;
    const char* what;
  };
  const std::vector<Case> cases = {
      {line + hundred + "X-One-More: v\r\n\r\n", 431, "101 header fields"},
      {line + flood + "\r\n", 431, "50 000 header fields (3.4 MiB)"},
      {line + "X-Big: " + std::string(40 * 1024, 'v') + "\r\n\r\n", 431, "a 40 KiB value"},
      {line + "X-Big: " + std::string(8 * kMiB, 'v') + "\r\n\r\n", 431, "an 8 MiB value"},
      {line + "Authorization: Bearer " + std::string(kMiB, 'a') + "\r\n\r\n", 431,
       "a 1 MiB Authorization"},
      {"GET /api/produits?q=" + std::string(16 * 1024, 'a') + " HTTP/1.1\r\n\r\n", 414,
       "a 16 KiB request line"},
      {"GET /" + std::string(8 * kMiB, 'a') + " HTTP/1.1\r\n\r\n", 414, "an 8 MiB request line"},
      {std::string(64 * 1024, '\r') + std::string(64 * 1024, '\n'), 400, "only line ends"},
  };
  for (const auto& c : cases) {
    const auto t0 = Clock::now();
    expect_refused(c.bytes, c.status, c.what);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::printf("[hostile] %s (%zu bytes): %d in %.1f ms\n", c.what, c.bytes.size(), c.status, ms);
  }
  // A big Authorization header that fits is read and refused as a bad token, not a crash.
  const Response big_token =
      http().send({.path = "/api/auth/moi",
                   .headers = {{"Authorization", "Bearer " + std::string(30000, 'a')}}});
  EXPECT_TRUE(IsProblem(big_token, 401));
  expect_unharmed(before, "header floods");
}

TEST_F(Hostile, TruncatedRequestsWriteNothing) {
  const auto before = snapshot();
  const std::string body =
      nlohmann::json{{"lignes", {{{"produit_id", 1}, {"quantite", 1}}}}}.dump();
  const std::string request =
      "POST /api/commandes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + env().user_token() +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  // Cut anywhere before the last byte: the server must never run the order.
  for (size_t cut = 0; cut < request.size(); cut += std::max<size_t>(1, request.size() / 40)) {
    RawConnection conn(port());
    conn.send_all(std::string_view(request).substr(0, cut));
    conn.shutdown_write();
    const auto r = conn.read_response(3s);
    EXPECT_FALSE(r.has_value() && r->status < 400)
        << "cut at " << cut << " of " << request.size() << " answered " << r->head;
  }
  // Cut and left open: no answer (still waiting for the rest), nothing written.
  for (const size_t cut : {request.size() / 2, request.size() - 1}) {
    RawConnection conn(port());
    conn.send_all(std::string_view(request).substr(0, cut));
    EXPECT_FALSE(conn.read_response(300ms).has_value()) << "an incomplete request was answered";
  }
  // Announced 100 bytes, sent 10, closed.
  const std::string short_body =
      "POST /api/utilisateurs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{\"nom\":\"x\"";
  RawConnection conn(port());
  conn.send_all(short_body);
  conn.shutdown_write();
  EXPECT_TRUE(conn.wait_closed(5s));
  expect_unharmed(before, "truncated requests");
}

TEST_F(Hostile, PipelinedRequestsAreAllAnsweredInOrder) {
  // Pistache 0.0.5 dropped every request after the first one in a read (upstream #1034).
  RawConnection conn(port());
  std::string burst;
  for (int i = 0; i < 20; ++i) {
    burst += "GET " + std::string(i % 2 == 0 ? "/healthz" : "/api/nope") +
             " HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipe-" + std::to_string(i) + "\r\n\r\n";
  }
  burst +=
      "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  conn.send_all(burst);
  for (int i = 0; i < 20; ++i) {
    const auto r = conn.read_response(5s);
    ASSERT_TRUE(r.has_value()) << "response " << i << ": " << conn.error();
    EXPECT_EQ(r->status, i % 2 == 0 ? 200 : 404) << r->head;
    EXPECT_EQ(header_of(*r, "X-Request-Id"), "pipe-" + std::to_string(i));
  }
  const auto login = conn.read_response(5s);
  ASSERT_TRUE(login.has_value()) << conn.error();
  EXPECT_EQ(login->status, 422) << "the body is exactly Content-Length bytes";
  const auto last = conn.read_response(5s);
  ASSERT_TRUE(last.has_value()) << conn.error();
  EXPECT_EQ(last->status, 200);
}

// An answer made on the network thread goes straight to the socket, unless an earlier answer of
// the connection (written by a worker) still waits in Pistache's write queue: then it queues behind
// it. Each round pipelines a request a worker answers at once (a login without fields: 422) and
// ten the network thread answers: the worker is done while the reactor still parses the ten, so
// they find the connection's strand idle and the worker's answer not yet sent.
TEST_F(Hostile, AnswersFromWorkersAndTheNetworkThreadKeepTheirOrder) {
  RawConnection conn(port());
  for (int round = 0; round < 100; ++round) {
    std::string burst =
        "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: worker\r\n"
        "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    for (int i = 0; i < 10; ++i)
      burst +=
          "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: net-" + std::to_string(i) + "\r\n\r\n";
    conn.send_all(burst);
    for (int i = -1; i < 10; ++i) {
      const auto r = conn.read_response(5s);
      ASSERT_TRUE(r.has_value()) << "round " << round << ": " << conn.error();
      ASSERT_EQ(header_of(*r, "X-Request-Id"), i < 0 ? "worker" : "net-" + std::to_string(i))
          << "round " << round << "\n"
          << r->head;
    }
  }
}

// A malformed request pipelined behind one a worker answers: its 400 comes second, after that
// answer (RFC 9112 §9.3.2: answers in request order), then the connection closes. The guard wrote
// the 400 at once, ahead of the worker's answer, and half-closed the connection after it: the
// client took the 400 for its login's answer and the login's own answer was lost. Behind a
// request answered with "Connection: close", the malformed one gets no answer at all.
TEST_F(Hostile, ARefusalPipelinedBehindAWorkerRequestComesAfterItsAnswer) {
  // An unknown user: the hashing worker checks the password against a dummy hash (401), slow
  // enough that the guard has refused the next request long before.
  const std::string body = R"({"email":"nobody@example.com","password":"0123456789"})";
  const auto login = [&](std::string_view extra) {
    return "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: login-first\r\n" +
           std::string(extra) +
           "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  for (const std::string malformed :
       {"garbage\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n"}) {
    RawConnection conn(port());
    conn.send_all(login("") + malformed);
    const auto first = conn.read_response(10s);
    ASSERT_TRUE(first.has_value()) << conn.error();
    EXPECT_EQ(first->status, 401) << "the first answer is not the login's:\n" << first->head;
    EXPECT_EQ(header_of(*first, "X-Request-Id"), "login-first") << first->head;
    const auto second = conn.read_response(10s);
    ASSERT_TRUE(second.has_value()) << "no refusal after the login's answer: " << conn.error();
    EXPECT_EQ(second->status, 400) << second->head;
    EXPECT_TRUE(IsClientProblem(*second));
    EXPECT_FALSE(conn.read_response(10s).has_value()) << "a third answer";
    EXPECT_EQ(conn.error(), "connection closed after 0 bytes");
  }
  // Behind "Connection: close": the login's answer, then a clean end of file.
  RawConnection conn(port());
  conn.send_all(login("Connection: close\r\n") + "garbage\r\n\r\n");
  const auto first = conn.read_response(10s);
  ASSERT_TRUE(first.has_value()) << conn.error();
  EXPECT_EQ(first->status, 401) << first->head;
  EXPECT_FALSE(conn.read_response(10s).has_value()) << "the request behind close was answered";
  EXPECT_EQ(conn.error(), "connection closed after 0 bytes");
  EXPECT_TRUE(env().process().running());
}

// RFC 9112 §2.2: empty lines before a request line are ignored. Pistache read "\r\nGET" as the
// method, answered 400 and closed the keep-alive connection.
TEST_F(Hostile, EmptyLinesBeforeARequestAreIgnored) {
  RawConnection conn(port());
  conn.send_all("\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto first = conn.read_response(5s);
  ASSERT_TRUE(first.has_value()) << conn.error();
  EXPECT_EQ(first->status, 200) << first->head;
  // The same connection carries on, a stray CRLF after a request included.
  conn.send_all("\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto second = conn.read_response(5s);
  ASSERT_TRUE(second.has_value()) << conn.error();
  EXPECT_EQ(second->status, 200) << second->head;
}

TEST_F(Hostile, ConnectionCloseAndExpectContinueAreHonoured) {
  for (const std::string request : {"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                    "GET /healthz HTTP/1.0\r\n\r\n"}) {
    const auto x = exchange(request, /*wait_close=*/true);
    ASSERT_TRUE(x.response.has_value()) << x.error;
    EXPECT_EQ(x.response->status, 200);
    EXPECT_TRUE(x.closed) << "no end of file after a Connection: close response: " << request;
  }
  // HTTP/1.0 with keep-alive stays open.
  RawConnection ten(port());
  ten.send_all("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(ten.read_response(5s).has_value()) << ten.error();
  ten.send_all("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(ten.read_response(5s).has_value()) << ten.error();

  // Expect: 100-continue gets the interim response before the body is sent...
  const std::string body = R"({"email":"nobody@example.com","password":"0123456789"})";
  RawConnection conn(port());
  conn.send_all(
      "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  const auto interim = conn.read_until("\r\n\r\n", 5s);
  ASSERT_TRUE(interim.has_value()) << conn.error();
  EXPECT_EQ(interim->rfind("HTTP/1.1 100", 0), 0U) << *interim;
  conn.send_all(body);
  const auto final_response = conn.read_response(5s);
  ASSERT_TRUE(final_response.has_value()) << conn.error();
  EXPECT_EQ(final_response->status, 401);
  // ...and an oversized one the final refusal instead, without sending the body.
  const auto x = exchange(
      "POST /api/produits HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n");
  ASSERT_TRUE(x.response.has_value()) << x.error;
  EXPECT_EQ(x.response->status, 413);
}

// RFC 9112 §9.6: a server that answers "Connection: close" must not process further requests on
// that connection. A client that pipelined a POST behind such a request gets no answer to it, only
// a clean close, and retries it: had the API run it, an account or an order would be made twice.
// The POST here creates an account; the API logs every request it reads, answered ("request") or
// dropped ("request dropped"), so the test waits for the POST's log line, then looks at the table.
TEST_F(Hostile, RequestsPipelinedBehindAConnectionCloseAreNotHandled) {
  struct Case {
    std::string first;
    const char* what;
  };
  const std::vector<Case> cases = {
      {"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
       "close answered on the network thread"},
      // The login without fields is answered by a worker: the POST waits in the connection's
      // strand meanwhile.
      {"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
       "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
       "close answered by a worker"},
      {"GET /healthz HTTP/1.0\r\n\r\n", "HTTP/1.0 without keep-alive"},
  };
  const auto dropped = [&] {
    const auto metrics = http().get("/metrics").body;
    const std::string name = "\nboutique_http_requests_dropped_total ";
    const auto at = metrics.find(name);
    return at == std::string::npos ? -1LL : std::stoll(metrics.substr(at + name.size()));
  };
  const auto dropped_before = dropped();
  ASSERT_GE(dropped_before, 0) << "/metrics has no boutique_http_requests_dropped_total";
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const size_t log_from = env().process().log_size();
    std::string email = "pipelined." + std::to_string(i) + "." + random_token(10) + "@x.fr";
    std::transform(email.begin(), email.end(), email.begin(),  // stored as given, lower case
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const std::string request_id = "behind-close-" + std::to_string(i) + "-" + random_token(8);
    const std::string body =
        nlohmann::json({{"nom", "Pipelined"}, {"email", email}, {"password", random_token(16)}})
            .dump();
    RawConnection conn(port());
    conn.send_all(
        c.first + "POST /api/utilisateurs HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + request_id +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body);
    const auto first = conn.read_response(5s);
    ASSERT_TRUE(first.has_value()) << c.what << ": " << conn.error();
    std::string connection = header_of(*first, "Connection");
    std::transform(connection.begin(), connection.end(), connection.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    EXPECT_EQ(connection, "close") << c.what << "\n" << first->head;
    // Then a clean end of file: no answer to the POST, no reset.
    EXPECT_FALSE(conn.read_response(5s).has_value()) << c.what << ": the POST was answered";
    EXPECT_EQ(conn.error(), "connection closed after 0 bytes") << c.what;

    const std::string tag = "\"request_id\":\"" + request_id + "\"";
    std::string line;
    for (const auto deadline = Clock::now() + 10s; line.empty() && Clock::now() < deadline;) {
      const std::string log = env().process().log(log_from);
      if (const auto at = log.find(tag); at != std::string::npos) {
        const auto begin = log.rfind('\n', at);
        line = log.substr(begin == std::string::npos ? 0 : begin + 1,
                          log.find('\n', at) - (begin == std::string::npos ? 0 : begin + 1));
      } else {
        std::this_thread::sleep_for(10ms);  // poll pacing, bounded by the deadline
      }
    }
    ASSERT_FALSE(line.empty()) << c.what << ": the POST was neither handled nor dropped in 10 s";
    EXPECT_NE(line.find("\"request dropped\""), std::string::npos) << c.what << ": " << line;
    pqxx::connection db(env().database_url());
    pqxx::nontransaction tx(db);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM utilisateurs WHERE email = $1", email)[0]
                  .as<long long>(),
              0)
        << c.what << ": the POST pipelined behind the close answer created the account";
  }
  EXPECT_EQ(dropped(), dropped_before + static_cast<long long>(cases.size()))
      << "each request dropped is counted in /metrics";
  EXPECT_TRUE(env().process().running());
}

}  // namespace
}  // namespace boutique::it
