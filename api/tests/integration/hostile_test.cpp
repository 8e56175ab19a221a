// Hostile input against the real boutique-api: malformed, truncated and oversized requests, wrong
// types, invalid UTF-8, SQL injection and path traversal attempts, header floods, slow clients and
// thousands of idle connections. Every refusal must be a 4xx application/problem+json, never a 5xx;
// the process must stay up (/healthz) and nothing may be written (row counts, stock and the whole
// catalogue unchanged) after each group. Figures are printed as "[hostile] ..." lines
// (docs/reliability.md).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "support/api_test.hpp"
#include "support/raw_http.hpp"

namespace boutique::it {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr size_t kMiB = 1024 * 1024;

// What the database holds, to prove a refused request wrote nothing.
struct Snapshot {
  long long produits = 0, utilisateurs = 0, commandes = 0, lignes = 0, stock = 0;
  std::string catalogue;  // md5 of every produits row, in id order

  bool operator==(const Snapshot&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Snapshot& s) {
  return os << "{produits=" << s.produits << " utilisateurs=" << s.utilisateurs
            << " commandes=" << s.commandes << " lignes_commande=" << s.lignes
            << " stock=" << s.stock << " catalogue=" << s.catalogue << "}";
}

// 4xx, application/problem+json, and a body with status (equal to the HTTP status), title, detail.
::testing::AssertionResult IsClientProblem(long status, std::string_view content_type,
                                           const std::string& body) {
  if (status < 400 || status >= 500) {
    return ::testing::AssertionFailure()
           << "status " << status << " is not 4xx; body: " << body.substr(0, 300);
  }
  if (content_type.substr(0, content_type.find(';')) != "application/problem+json") {
    return ::testing::AssertionFailure() << "status " << status << " with Content-Type '"
                                         << content_type << "'; body: " << body.substr(0, 300);
  }
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("status") ||
      json["status"] != status || !json.contains("title") || !json["title"].is_string() ||
      !json.contains("detail") || !json["detail"].is_string()) {
    return ::testing::AssertionFailure() << "not a problem document: " << body.substr(0, 300);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsClientProblem(const Response& r) {
  return IsClientProblem(r.status, r.header("Content-Type").value_or(""), r.body);
}

std::string header_of(const RawResponse& r, std::string_view name) {
  std::string head = r.head;
  std::string lower_head = head;
  std::transform(lower_head.begin(), lower_head.end(), lower_head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string key = "\r\n" + std::string(name) + ":";
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = lower_head.find(key);
  if (at == std::string::npos) return {};
  auto value = head.substr(at + key.size(), head.find("\r\n", at + 2) - at - key.size());
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

::testing::AssertionResult IsClientProblem(const RawResponse& r) {
  return IsClientProblem(r.status, header_of(r, "Content-Type"), r.body);
}

struct Latencies {
  std::vector<double> ms;
  size_t failures = 0;
  std::string first_failure;

  double percentile(double p) const {
    if (ms.empty()) return 0;
    auto sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1,
                           static_cast<size_t>(p * static_cast<double>(sorted.size())))];
  }
  std::string summary() const {
    char text[160];
    std::snprintf(text, sizeof text, "n=%zu p50=%.2fms p99=%.2fms max=%.2fms failures=%zu",
                  ms.size(), percentile(0.5), percentile(0.99), percentile(1.0), failures);
    return text;
  }
};

class Hostile : public ApiTest<Hostile> {
 public:
  static SuiteOptions suite_options() {
    // The idle-connection test holds thousands of sockets, in this process and in the API (which
    // inherits the limit): raise the soft limit to the hard one before the API is spawned.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = limit.rlim_max;
      setrlimit(RLIMIT_NOFILE, &limit);
    }
    return {};
  }

 protected:
  int port() { return env().process().port(); }

  Snapshot snapshot() {
    pqxx::connection db(env().database_url());
    pqxx::nontransaction tx(db);
    const auto row = tx.exec1(
        "SELECT (SELECT count(*) FROM produits), (SELECT count(*) FROM utilisateurs), "
        "(SELECT count(*) FROM commandes), (SELECT count(*) FROM lignes_commande), "
        "(SELECT coalesce(sum(stock), 0) FROM produits), "
        "(SELECT md5(coalesce(string_agg(p::text, '|' ORDER BY id), '')) FROM produits p)");
    return {row[0].as<long long>(), row[1].as<long long>(), row[2].as<long long>(),
            row[3].as<long long>(), row[4].as<long long>(), row[5].as<std::string>()};
  }

  // The process is alive, /healthz answers 200 on a fresh connection, nothing was written.
  void expect_unharmed(const Snapshot& before, const std::string& group) {
    EXPECT_TRUE(env().process().running()) << group << ": boutique-api died";
    HttpClient fresh = env().client();
    fresh.set_timeout(5s);
    EXPECT_EQ(fresh.get("/healthz").status, 200) << group << ": /healthz";
    EXPECT_EQ(snapshot(), before) << group << ": something was written";
  }

  // One raw request on a new connection: the response, and whether the server closed the
  // connection after it.
  struct Exchange {
    std::optional<RawResponse> response;
    bool closed = false;
    std::string error;
  };
  Exchange exchange(std::string_view bytes, bool wait_close = false,
                    std::chrono::milliseconds timeout = 5s) {
    RawConnection conn(port());
    Exchange out;
    try {
      conn.send_all(bytes);
    } catch (const std::exception& e) {  // the server may refuse and stop reading early
      out.error = e.what();
    }
    out.response = conn.read_response(timeout);
    if (!out.response) {
      out.error += conn.error();
      return out;
    }
    if (wait_close) out.closed = conn.wait_closed(timeout);
    return out;
  }

  // Sends `bytes` raw and expects a problem with `status`, then the connection closed.
  void expect_refused(std::string_view bytes, int status, const std::string& what) {
    const auto x = exchange(bytes, /*wait_close=*/true);
    ASSERT_TRUE(x.response.has_value()) << what << ": no response (" << x.error << ")";
    EXPECT_EQ(x.response->status, status) << what << ": " << x.response->head;
    EXPECT_TRUE(IsClientProblem(*x.response)) << what;
    EXPECT_TRUE(x.closed) << what << ": the connection stays open after a refusal";
  }

  // Every request in `requests` gets a 4xx problem (curl, keep-alive).
  void expect_all_client_problems(const std::vector<Request>& requests, const std::string& group) {
    for (const auto& req : requests) {
      const Response r = http().send(req);
      EXPECT_TRUE(IsClientProblem(r)) << group << ": " << req.method << " " << req.path
                                      << " body: " << req.body.value_or("").substr(0, 200);
    }
  }

  // GETs on a fresh keep-alive client, each with a 2 s deadline, until `stop` or `count` done.
  static Latencies measure(const std::string& base_url, size_t count,
                           const std::atomic<bool>* stop = nullptr) {
    Latencies lat;
    HttpClient client(base_url);
    client.set_timeout(2s);
    for (size_t i = 0; i < count && !(stop && stop->load()); ++i) {
      const auto path = i % 2 == 0 ? "/api/produits" : "/healthz";
      const auto t0 = Clock::now();
      try {
        const Response r = client.get(path);
        if (r.status != 200) {
          if (lat.failures++ == 0) lat.first_failure = r.describe();
          continue;
        }
      } catch (const std::exception& e) {
        if (lat.failures++ == 0) lat.first_failure = e.what();
        continue;
      }
      lat.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return lat;
  }
};

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
      {"GET /healthz HTTP/1.1\r\nHost: x\r\nDate: not a date\r\n\r\n", 400, "bad Date"},
      {"GET /healthz HTTP/1.1\r\nHost: x\r\nCache-Control: max-age=zz\r\n\r\n", 400,
       "bad Cache-Control"},
      {"GET /healthz HTTP/1.1\r\nHost: x\r\nAccept: ;;;/\r\n\r\n", 400, "bad Accept"},
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

// ---- Bodies: size, JSON, types, numbers ---------------------------------------------------------

TEST_F(Hostile, TenMebibyteBodiesAre413OnEveryWriteRoute) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  const std::string user = env().user_token();
  const std::string huge = R"({"nom":")" + std::string(10 * kMiB, 'a') + R"("})";
  const std::string nested = std::string(10 * kMiB, '[');
  // Every JSON route, plus one that ignores its body and one that takes none.
  auto targets = json_body_routes(user, admin);
  targets.push_back({"POST", "/api/auth/logout", user, ""});
  targets.push_back({"GET", "/api/produits", "", ""});
  for (const auto& t : targets) {
    for (const auto* body : {&huge, &nested}) {
      const auto t0 = Clock::now();
      Response r;
      try {
        r = env().client().send(
            {.method = t.method, .path = t.path, .body = *body, .bearer = t.bearer});
      } catch (const TransportError& e) {
        ADD_FAILURE() << t.method << " " << t.path << ": no answer to 10 MiB: " << e.what();
        continue;
      }
      EXPECT_EQ(r.status, 413) << t.method << " " << t.path << ": " << r.describe();
      EXPECT_TRUE(IsClientProblem(r)) << t.method << " " << t.path;
      std::printf("[hostile] 10 MiB %s %s: %ld in %.1f ms\n", t.method, t.path, r.status,
                  std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
  }
  // Raw: the whole 10 MiB sent anyway is read and discarded, then end of file.
  RawConnection conn(port());
  conn.send_all(
      "POST /api/produits HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(huge.size()) + "\r\n\r\n");
  std::thread sender([&] {
    try {
      conn.send_all(huge);
    } catch (const std::exception&) {  // fine: the server may close first
    }
  });
  const auto r = conn.read_response(10s);
  sender.join();
  ASSERT_TRUE(r.has_value()) << conn.error();
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(IsClientProblem(*r));
  EXPECT_TRUE(conn.wait_closed(10s));
  expect_unharmed(before, "10 MiB bodies");
}

TEST_F(Hostile, TruncatedJsonOnEveryWriteRouteIs400) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  const std::string user = env().user_token();
  size_t sent = 0;
  for (const auto& t : json_body_routes(user, admin)) {
    const std::string& body = t.valid_body;  // cut short at every byte
    for (size_t cut = 1; cut < body.size(); ++cut) {
      const Request req{
          .method = t.method, .path = t.path, .body = body.substr(0, cut), .bearer = t.bearer};
      const Response r = http().send(req);
      ++sent;
      EXPECT_TRUE(IsProblem(r, 400)) << t.method << " " << t.path << " " << body.substr(0, cut);
    }
  }
  std::printf("[hostile] truncated JSON bodies: %zu requests, all 400\n", sent);
  expect_unharmed(before, "truncated JSON");
}

TEST_F(Hostile, WrongTypesHugeNumbersAndBadQuantitiesAre4xx) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  const std::string user = env().user_token();
  const nlohmann::json produit = {{"nom", "N"}, {"categorie", "C"}, {"prix", "1.00"}, {"stock", 1}};
  // Raw JSON texts: some of these numbers do not survive a round trip through a JSON library.
  const std::map<std::string, std::vector<std::string>> bad_produit = {
      {"nom",
       {"null", "true", "1", "[]", "{}", R"("")", R"("   ")", '"' + std::string(201, 'n') + '"'}},
      {"categorie", {"null", "0", "[\"a\"]", R"("")", '"' + std::string(101, 'c') + '"'}},
      {"prix",
       {"null", "true", "[]", "{}", "-1", "-0.01", "1.001", "\"1.001\"", "\"abc\"", "\"1e5\"",
        "1e308", "1000000.01", "99999999999999999999999", "-9223372036854775809", "\"NaN\"",
        "\"-0.01\""}},
      {"stock",
       {"null", "\"1\"", "1.5", "-1", "1000001", "2147483648", "18446744073709551615",
        "-9223372036854775808", "1e2", "true"}},
      {"image_url", {"\"javascript:alert(1)\"", "\"/a\\\"><script>\"", "42"}},
      {"pirate", {"1"}}};
  std::vector<Request> requests;
  const auto text_with = [&](const std::string& field, const std::string& raw) {
    auto copy = produit;
    copy.erase(field);
    auto text = copy.dump();
    text.pop_back();
    return text + ",\"" + field + "\":" + raw + "}";
  };
  for (const auto& [field, values] : bad_produit) {
    for (const auto& raw : values) {
      requests.push_back({.method = "POST",
                          .path = "/api/produits",
                          .body = text_with(field, raw),
                          .bearer = admin});
      requests.push_back({.method = "PUT",
                          .path = "/api/produits/1",
                          .body = text_with(field, raw),
                          .bearer = admin});
      requests.push_back({.method = "PATCH",
                          .path = "/api/produits/1",
                          .body = "{\"" + field + "\":" + raw + "}",
                          .bearer = admin});
    }
  }
  for (const char* body : {"1e400", "[]", "\"x\"", "null", "{}", "0", "true"}) {
    requests.push_back({.method = "POST", .path = "/api/produits", .body = body, .bearer = admin});
    requests.push_back(
        {.method = "PATCH", .path = "/api/produits/1", .body = body, .bearer = admin});
    requests.push_back({.method = "POST", .path = "/api/commandes", .body = body, .bearer = user});
    requests.push_back({.method = "POST", .path = "/api/utilisateurs", .body = body});
    requests.push_back({.method = "POST", .path = "/api/auth/login", .body = body});
  }
  const auto ligne = [](const std::string& id, const std::string& quantite) {
    return R"({"lignes":[{"produit_id":)" + id + R"(,"quantite":)" + quantite + "}]}";
  };
  for (const char* q : {"0", "-1", "-2147483649", "1001", "1.5", "\"1\"", "null", "1e400",
                        "2147483648", "18446744073709551616", "[1]", "true"}) {
    requests.push_back(
        {.method = "POST", .path = "/api/commandes", .body = ligne("1", q), .bearer = user});
  }
  for (const char* id : {"0", "-1", "\"1\"", "1.5", "null", "99999999999999999999",
                         "9223372036854775807", "-9223372036854775808", "{}"}) {
    requests.push_back(
        {.method = "POST", .path = "/api/commandes", .body = ligne(id, "1"), .bearer = user});
  }
  std::string many = R"({"lignes":[)";
  for (int i = 0; i < 101; ++i)
    many += std::string(i ? "," : "") + R"({"produit_id":1,"quantite":1})";
  for (const std::string& body :
       {many + "]}",
        std::string(
            R"({"lignes":[{"produit_id":1,"quantite":600},{"produit_id":1,"quantite":600}]})"),
        std::string(R"({"lignes":[]})"), std::string(R"({"lignes":{}})"),
        std::string(R"({"lignes":[{}]})"), std::string(R"({"lignes":[1]})")}) {
    requests.push_back({.method = "POST", .path = "/api/commandes", .body = body, .bearer = user});
  }
  for (const std::string& body :
       {std::string(R"({"nom":null,"email":"a@example.com","password":"0123456789"})"),
        std::string(R"({"nom":"A","email":"pas-une-adresse","password":"0123456789"})"),
        std::string(R"({"nom":"A","email":42,"password":"0123456789"})"),
        std::string(R"({"nom":"A","email":"a@example.com","password":"court"})"),
        std::string(R"({"nom":"A","email":"a@example.com","password":0123456789})"),
        std::string(R"({"nom":"A","email":"a@example.com","password":)") + '"' +
            std::string(1025, 'p') + "\"}",
        std::string(R"({"nom":")") + std::string(10000, 'n') +
            R"(","email":"a@example.com","password":"0123456789"})",
        std::string(R"({"nom":"A","email":")") + std::string(400, 'e') +
            R"(@example.com","password":"0123456789"})"}) {
    requests.push_back({.method = "POST", .path = "/api/utilisateurs", .body = body});
  }
  for (const std::string& body :
       {std::string(R"({"email":1,"password":2})"), std::string(R"({"email":["a"],"password":{}})"),
        std::string(R"({"email":"a@example.com"})")}) {
    requests.push_back({.method = "POST", .path = "/api/auth/login", .body = body});
  }
  expect_all_client_problems(requests, "wrong types");
  std::printf("[hostile] wrong types / huge numbers / bad quantities: %zu requests\n",
              requests.size());
  expect_unharmed(before, "wrong types");
}

TEST_F(Hostile, InvalidUtf8IsRefusedEverywhere) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  std::vector<Request> requests;
  for (const std::string& bad :
       {std::string("\xff\xfe"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
        std::string("a\x80"), std::string("\\ud800"), std::string("\xf8\x88\x80\x80\x80")}) {
    requests.push_back({.method = "POST",
                        .path = "/api/produits",
                        .body = R"({"nom":")" + bad + R"(","categorie":"C","prix":1,"stock":1})",
                        .bearer = admin});
    requests.push_back(
        {.method = "POST",
         .path = "/api/utilisateurs",
         .body = R"({"nom":")" + bad + R"(","email":"u8@example.com","password":"0123456789"})"});
    requests.push_back({.method = "POST",
                        .path = "/api/auth/login",
                        .body = R"({"email":"a@example.com","password":")" + bad + "\"}"});
    requests.push_back({.method = "POST",
                        .path = "/api/produits",
                        .body = "{\"" + bad + "\":1}",
                        .bearer = admin});
  }
  for (const char* query :
       {"q=%FF%FE", "categorie=%C0%AF", "q=%ED%A0%80", "categorie=a%80", "q=%F8%88%80%80%80"}) {
    requests.push_back({.path = std::string("/api/produits?") + query});
  }
  requests.push_back({.path = "/api/produits/%FF"});
  expect_all_client_problems(requests, "invalid UTF-8");
  // In headers: an Authorization with invalid bytes is an invalid token; a request id is replaced.
  const Response auth =
      http().send({.path = "/api/auth/moi", .headers = {{"Authorization", "Bearer \xff\xfe\x80"}}});
  EXPECT_TRUE(IsProblem(auth, 401));
  const Response id = http().send({.path = "/healthz", .headers = {{"X-Request-Id", "\xff\xfe"}}});
  EXPECT_EQ(id.status, 200);
  EXPECT_NE(id.header("X-Request-Id").value_or("\xff\xfe"), "\xff\xfe");
  expect_unharmed(before, "invalid UTF-8");
}

// ---- Injection and traversal
// ----------------------------------------------------------------------

TEST_F(Hostile, SqlInjectionInEveryParameterIsInert) {
  // A real account whose password is attacked (its failure counter may change, nothing else).
  const auto victim = env().register_user("sqli");
  const auto before = snapshot();
  const std::vector<std::string> payloads = {
      "' OR '1'='1",
      "1; DROP TABLE produits; --",
      "'; DELETE FROM utilisateurs; --",
      "1' UNION SELECT email, password_hash FROM utilisateurs --",
      "\\'; TRUNCATE commandes CASCADE; --",
      "%' OR 1=1 --",
      "1)); UPDATE produits SET stock = 0; --",
      "$$; DROP TABLE lignes_commande; $$"};
  const std::string user = env().user_token();
  for (size_t i = 0; i < payloads.size(); ++i) {
    const auto& sql = payloads[i];
    const auto enc = url_encode(sql);
    // Free-text filters: an ordinary search that matches nothing.
    for (const char* key : {"q", "categorie"}) {
      const Response r = http().get("/api/produits?" + std::string(key) + "=" + enc);
      EXPECT_TRUE(IsJson(r, 200)) << key << "=" << sql;
      if (r.status == 200) {
        EXPECT_EQ(r.json().size(), 0U) << key << "=" << sql << ": " << r.body;
      }
    }
    // Typed parameters and path ids: refused.
    std::vector<Request> refused;
    for (const char* key : {"tri", "page", "par_page", "min_prix", "max_prix"}) {
      refused.push_back({.path = "/api/produits?" + std::string(key) + "=" + enc});
    }
    refused.push_back({.path = "/api/produits/" + enc});
    refused.push_back(
        {.method = "DELETE", .path = "/api/produits/" + enc, .bearer = env().admin_token()});
    refused.push_back({.method = "PATCH",
                       .path = "/api/produits/" + enc,
                       .body = R"({"stock":0})",
                       .bearer = env().admin_token()});
    // Body fields: credentials (each check costs an argon2id verification: two payloads are
    // enough), registration with an otherwise invalid password, order ids.
    if (i < 2) {
      refused.push_back({.method = "POST",
                         .path = "/api/auth/login",
                         .body = nlohmann::json{{"email", sql}, {"password", sql}}.dump()});
      refused.push_back(
          {.method = "POST",
           .path = "/api/auth/login",
           .body = nlohmann::json{{"email", victim.email}, {"password", sql}}.dump()});
    }
    refused.push_back(
        {.method = "POST",
         .path = "/api/utilisateurs",
         .body = nlohmann::json{{"nom", sql}, {"email", sql}, {"password", "x"}}.dump()});
    refused.push_back({.method = "POST",
                       .path = "/api/commandes",
                       .body = R"({"lignes":[{"produit_id":")" + sql + R"(","quantite":1}]})",
                       .bearer = user});
    refused.push_back(
        {.method = "POST",
         .path = "/api/produits",
         .body =
             nlohmann::json{{"nom", sql}, {"categorie", sql}, {"prix", sql}, {"stock", sql}}.dump(),
         .bearer = env().admin_token()});
    // Headers.
    refused.push_back({.path = "/api/auth/moi", .bearer = sql});
    refused.push_back({.path = "/api/commandes", .headers = {{"Authorization", sql}}});
    refused.push_back({.method = "POST",
                       .path = "/api/commandes",
                       .headers = {{"Idempotency-Key", sql}},
                       .body = R"({"lignes":[{"produit_id":999999,"quantite":1}]})",
                       .bearer = user});
    expect_all_client_problems(refused, "SQL injection: " + sql);
    const Response rid = http().send({.path = "/healthz", .headers = {{"X-Request-Id", sql}}});
    EXPECT_EQ(rid.status, 200);
    EXPECT_NE(rid.header("X-Request-Id"), sql) << "an unsafe request id is replaced";
  }
  expect_unharmed(before, "SQL injection (refused)");

  // Accepted where text is legitimate: stored verbatim, nothing else touched.
  const auto name = payloads[1] + " " + payloads[2];
  const auto created = env().create_produit({{"nom", name}, {"categorie", payloads[0]}});
  const auto id = created.at("id").get<long long>();
  EXPECT_EQ(env().get_produit(id).at("nom"), name);
  const Response found = http().get("/api/produits?q=" + url_encode(payloads[1]));
  ASSERT_TRUE(IsJson(found, 200));
  EXPECT_EQ(ids_of(found.json()), std::vector<long long>{id}) << "the search matches the text";
  EXPECT_EQ(snapshot().produits, before.produits + 1);
  EXPECT_EQ(http().del("/api/produits/" + std::to_string(id), env().admin_token()).status, 204);
  expect_unharmed(before, "SQL injection (stored verbatim, then deleted)");
}

TEST_F(Hostile, PathTraversalServesNoFile) {
  const auto before = snapshot();
  // Raw: curl would normalise the dot segments.
  for (const char* path :
       {"/api/../../etc/passwd", "/../../../../etc/passwd", "/api/%2e%2e/%2e%2e/etc/passwd",
        "/api/produits/..%2f..%2f..%2fetc%2fpasswd", "/api/produits/../../../etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%c0%af..%c0%afetc/passwd", "//etc/passwd",
        "/api/produits/%00", "/api/produits/1%00.json", "/api/openapi.json/../../etc/passwd",
        "/api/..;/..;/etc/passwd", "/.%2e/.%2e/etc/passwd", "/api/produits/%252e%252e"}) {
    const auto x = exchange("GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(x.response.has_value()) << path << ": " << x.error;
    EXPECT_TRUE(IsClientProblem(*x.response)) << path << ": " << x.response->head;
    EXPECT_EQ(x.response->body.find("root:"), std::string::npos) << path;
  }
  expect_unharmed(before, "path traversal");
}

// ---- Slow and idle clients
// ------------------------------------------------------------------------

TEST_F(Hostile, SlowClientsDoNotBlockOthersAndTimeOut) {
  // 20 connections each sending one byte per second (a request head never finished in time) on a
  // 2-thread server, while a normal client keeps requesting.
  constexpr int kSlow = 20;
  const std::string head =
      "GET /api/produits HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
  std::vector<RawConnection> slow;
  for (int i = 0; i < kSlow; ++i) slow.emplace_back(port());
  std::atomic<bool> stop{false};
  const auto started = Clock::now();
  std::thread trickler([&] {
    for (size_t i = 0; i < head.size() && !stop.load(); ++i) {
      for (auto& conn : slow) {
        try {
          conn.send_all(head.substr(i, 1));
        } catch (const std::exception&) {  // closed by the server after its 408
        }
      }
      std::this_thread::sleep_for(1s);  // the stimulus: one byte per second per connection
    }
  });
  // Meanwhile (the first 4 s), others are served as usual.
  Latencies lat;
  while (Clock::now() - started < 4s) {
    const auto batch = measure(env().process().base_url(), 50);
    lat.ms.insert(lat.ms.end(), batch.ms.begin(), batch.ms.end());
    lat.failures += batch.failures;
    if (lat.first_failure.empty()) lat.first_failure = batch.first_failure;
  }
  std::printf("[hostile] %d clients at 1 byte/s; normal requests meanwhile: %s\n", kSlow,
              lat.summary().c_str());
  EXPECT_EQ(lat.failures, 0U) << lat.first_failure;
  EXPECT_GT(lat.ms.size(), 100U);
  // The head deadline: a 408 problem once 10 s have passed since the first byte, then closed.
  std::optional<double> first_408_s;
  for (auto& conn : slow) {
    const auto r = conn.read_response(20s);
    if (!r) {
      ADD_FAILURE() << "no 408 for a slow client: " << conn.error();
      continue;
    }
    if (!first_408_s) first_408_s = std::chrono::duration<double>(Clock::now() - started).count();
    EXPECT_EQ(r->status, 408) << r->head;
    EXPECT_TRUE(IsClientProblem(*r));
    EXPECT_TRUE(conn.wait_closed(5s)) << "the connection stays open after the 408";
  }
  const double all_s = std::chrono::duration<double>(Clock::now() - started).count();
  stop = true;
  trickler.join();
  ASSERT_TRUE(first_408_s.has_value());
  EXPECT_GE(*first_408_s, 10.0) << "refused before the head deadline (10 s)";
  std::printf("[hostile] slow clients refused with 408 problems after %.1f s (all within %.1f s)\n",
              *first_408_s, all_s);
  EXPECT_TRUE(env().process().running());
}

TEST_F(Hostile, ThousandsOfIdleKeepAliveConnections) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  // This process and the API each hold one fd per connection; keep 200 spare in each.
  const size_t wanted = 3000;
  const size_t n = std::min<size_t>(wanted, limit.rlim_cur > 400 ? limit.rlim_cur - 200 : 0);
  if (n < wanted) {
    std::printf("[hostile] RLIMIT_NOFILE=%llu: %zu idle connections instead of %zu\n",
                static_cast<unsigned long long>(limit.rlim_cur), n, wanted);
  }
  ASSERT_GE(n, 500U) << "RLIMIT_NOFILE too low for this test: " << limit.rlim_cur;
  const auto t0 = Clock::now();
  std::vector<RawConnection> idle;
  idle.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    idle.emplace_back(port());
    // One request each: a kept-alive connection, then silence.
    idle.back().send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  size_t answered = 0;
  for (auto& conn : idle) answered += conn.read_response(10s).has_value() ? 1U : 0U;
  const double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(answered, n);
  // A few hundred connections that never send anything, too.
  std::vector<RawConnection> silent;
  for (int i = 0; i < 100; ++i) silent.emplace_back(port());

  const auto lat = measure(env().process().base_url(), 400);
  std::printf(
      "[hostile] %zu idle keep-alive + 100 silent connections opened in %.2f s; normal "
      "requests meanwhile: %s\n",
      n, open_s, lat.summary().c_str());
  EXPECT_EQ(lat.failures, 0U) << lat.first_failure;
  // The idle connections are still usable.
  for (size_t i = 0; i < idle.size(); i += idle.size() / 10) {
    idle[i].send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = idle[i].read_response(5s);
    EXPECT_TRUE(r.has_value() && r->status == 200)
        << "idle connection " << i << ": " << idle[i].error();
  }
  idle.clear();
  silent.clear();
  EXPECT_EQ(env().client().get("/healthz").status, 200);
}

}  // namespace
}  // namespace boutique::it
