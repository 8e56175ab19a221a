#pragma once
// The HTTP server on Pistache's TCP layer: the connection guard (guarded_handler.hpp) reads and
// checks each request, the router (http/router.hpp) finds its route, and the dispatch
// (dispatch.cpp) wraps every handler with the cross-cutting work (request id, size limit, error →
// problem mapping, CORS, keep-alive, metrics, one log line). Handlers that block run on worker
// queues (http/work_queue.hpp), never on Pistache's network threads: database work on one, password
// hashing on a smaller one; a full queue is a 503 at once. One connection's requests are handled in
// order (http/strands.hpp).
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <pistache/endpoint.h>
#include <pistache/peer.h>

#include "app/config.hpp"
#include "http/api.hpp"
#include "http/incoming_request.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"
#include "http/routes.hpp"
#include "http/strands.hpp"
#include "http/work_queue.hpp"

namespace boutique::http {

class Server {
 public:
  Server(const app::Config& config, Api& api, Metrics& metrics);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts the worker queues, binds and starts the network threads. Throws std::runtime_error
  // when the port cannot be bound.
  void start();
  // Graceful stop: closes the listening socket (new connections are refused) once Pistache has
  // accepted the connections the kernel already completed (closing it would reset them), then
  // drains — keeps serving the open connections (answering with "Connection: close") until no
  // request is in flight and none has started for a short quiet period, or until `budget` is
  // spent — then stops the reactors and the workers. Pistache's own shutdown discards responses
  // not yet written, so the drain waits for each response's write to complete, not just for its
  // handler to return.
  void shutdown(std::chrono::milliseconds budget);

  // The longest a request waits for a worker: after that it is answered 503 without running.
  static constexpr std::chrono::seconds kMaxQueueWait{5};

  // Metric labels for the route table, in order (the server's route indices).
  static std::vector<RouteLabel> route_labels();

 private:
  using Handler = Response (Api::*)(const Request&);
  struct Exchange;  // one request on its way, from dispatch to its answer (dispatch.cpp)
  using ExchangePtr = std::shared_ptr<Exchange>;
  using PeerPtr = std::shared_ptr<Pistache::Tcp::Peer>;

  // A complete request read on `peer`'s reactor thread: routed, then handled (here or on a worker).
  void dispatch(IncomingRequest&& req, const PeerPtr& peer);
  // Answers on this thread what never blocks, else hands the exchange to its worker queue: false
  // then (the worker continues the connection's strand). `owned`: the exchange as already shared.
  bool start(Exchange& ex, const ExchangePtr* owned);
  // On a worker: the handler, the answer, then what waited behind it on its connection.
  void run_on_worker(const ExchangePtr& ex);
  // Runs the work that waited behind an answered exchange of connection `key`.
  void continue_strand(const void* key);
  // The handler's response, errors mapped to problems.
  Response respond(Exchange& ex);
  // CORS, keep-alive, the write, metrics and the log line.
  void answer(Exchange& ex, Response res);
  // A request read after an answer with "Connection: close" on its connection: not handled, not
  // answered (RFC 9112 §9.6), only logged. A refusal (below) too.
  void drop(Exchange& ex);
  Response preflight(const std::string& allow) const;
  // Writes `res` with the common headers (Connection, Content-Type, X-Request-Id): straight to
  // the socket when it can, else through Pistache's write queue; half-closes after it unless
  // keep_alive.
  void write(Exchange& ex, const Response& res, bool keep_alive, bool head_only);
  // Answers a request the connection guard refused (logged, counted, "Connection: close", then
  // half-closed), in the connection's strand: after the answers of the requests before it on the
  // connection (HTTP/1.1 answers go in request order), not at all behind a "close" answer.
  void refuse(const Problem& problem, const PeerPtr& peer);
  // The refusal's turn in its connection's strand: its answer.
  void answer_refusal(Exchange& ex);
  void add_cors(const IncomingRequest& req, Response& res) const;

  const app::Config& config_;
  Api& api_;
  Metrics& metrics_;
  Router router_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};  // dispatched, response not yet written (or dropped)
  // A request started or finished (its handler returned): the drain's quiet period counts from it.
  std::atomic<std::int64_t> last_request_ns_{0};
  Strands<ExchangePtr> strands_;
  std::unique_ptr<WorkQueue> database_;
  std::unique_ptr<WorkQueue> hashing_;
};

}  // namespace boutique::http
