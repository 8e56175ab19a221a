#pragma once
// Pistache glue: registers the route table, wraps every handler with the cross-cutting work
// (request id, size limit, error → problem mapping, CORS, keep-alive, metrics, one log line),
// behind the connection guard (http/guarded_handler.hpp) that refuses malformed or oversized
// requests.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <pistache/endpoint.h>
#include <pistache/router.h>

#include "app/config.hpp"
#include "http/api.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"

namespace boutique::http {

class Server {
 public:
  Server(const app::Config& config, Api& api, Metrics& metrics);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the worker threads. Throws std::runtime_error when the port cannot be bound.
  void start();
  // Graceful stop: closes the listening socket (new connections are refused), then drains — keeps
  // serving the open connections (answering with "Connection: close") until no request is in
  // flight and none has started for a short quiet period, or until `budget` is spent — then stops
  // the reactors. Pistache's own shutdown discards responses not yet written, so the
  // drain waits for each response's write to complete, not just for its handler to return.
  void shutdown(std::chrono::milliseconds budget);

  // Metric labels for the route table, in order (the server's route indices).
  static std::vector<RouteLabel> route_labels();

 private:
  using Handler = Response (Api::*)(const Request&);
  void dispatch(std::size_t route, Handler handler, std::string allow,
                const Pistache::Rest::Request& req, Pistache::Http::ResponseWriter writer);
  Response preflight(const std::string& allow) const;
  // Writes the common headers (Connection, Content-Type, X-Request-Id) and `res`.
  Pistache::Async::Promise<ssize_t> send(Pistache::Http::ResponseWriter& writer, Response& res,
                                         const std::string& request_id, bool keep_alive,
                                         bool head_only);
  // Answers a request the connection guard refused (logged, counted, connection closed).
  Pistache::Async::Promise<ssize_t> refuse(const Problem& problem,
                                           Pistache::Http::ResponseWriter writer);
  void add_cors(const Pistache::Rest::Request& req, Response& res) const;

  const app::Config& config_;
  Api& api_;
  Metrics& metrics_;
  Pistache::Rest::Router router_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};  // dispatched, response not yet written (or dropped)
  // A request started or finished (its handler returned): the drain's quiet period counts from it.
  std::atomic<std::int64_t> last_request_ns_{0};
};

}  // namespace boutique::http
