// The Hostile suite's fixture and checks (api.integration.hostile, one API process and database for
// the suite's three files): hostile_transport_test.cpp (request lines, header fields, framing),
// hostile_body_test.cpp (sizes, JSON, types, numbers, UTF-8), hostile_abuse_test.cpp (injection,
// traversal, slow and idle clients). Every refusal must be a 4xx application/problem+json, never a
// 5xx; the process must stay up (/healthz) and nothing may be written (row counts, stock and the
// whole catalogue unchanged) after each group. Figures are printed as "[hostile] ..." lines
// (docs/reliability.md).
#pragma once
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

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline constexpr size_t kMiB = 1024 * 1024;

// What the database holds, to prove a refused request wrote nothing.
struct Snapshot {
  long long produits = 0, utilisateurs = 0, commandes = 0, lignes = 0, stock = 0;
  std::string catalogue;  // md5 of every produits row, in id order

  bool operator==(const Snapshot&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Snapshot& s) {
  return os << "{produits=" << s.produits << " utilisateurs=" << s.utilisateurs
            << " commandes=" << s.commandes << " lignes_commande=" << s.lignes
            << " stock=" << s.stock << " catalogue=" << s.catalogue << "}";
}

// 4xx, application/problem+json, and a body with status (equal to the HTTP status), title, detail.
inline ::testing::AssertionResult IsClientProblem(long status, std::string_view content_type,
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

inline ::testing::AssertionResult IsClientProblem(const Response& r) {
  return IsClientProblem(r.status, r.header("Content-Type").value_or(""), r.body);
}

inline std::string header_of(const RawResponse& r, std::string_view name) {
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

inline ::testing::AssertionResult IsClientProblem(const RawResponse& r) {
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

}  // namespace boutique::it
