#include "http/pistache/server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "app/log.hpp"
#include "http/pistache/guarded_handler.hpp"
#include "http/pistache/listener.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"

namespace boutique::http {
namespace {

constexpr int kListenBacklog = 4096;

}  // namespace

std::vector<RouteLabel> Server::route_labels() {
  std::vector<RouteLabel> labels;
  for (const auto& r : routes())
    labels.push_back({std::string(method_name(r.method)), std::string(r.path)});
  return labels;
}

Server::Server(const app::Config& config, Api& api, Metrics& metrics)
    : config_(config), api_(api), metrics_(metrics), router_(routes()) {}

Response Server::preflight(const std::string& allow) const {
  Response r{204, {}, kJson, {}, {}};
  r.header("Allow", allow);
  r.header("Access-Control-Allow-Methods", allow);
  r.header("Access-Control-Allow-Headers",
           "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
  r.header("Access-Control-Max-Age", "600");
  return r;
}

void Server::add_cors(const IncomingRequest& req, Response& res) const {
  if (config_.cors_origins.empty()) return;
  const auto origin = req.field("Origin");
  if (!origin) return;
  const std::string value(*origin);
  const bool any = std::find(config_.cors_origins.begin(), config_.cors_origins.end(), "*") !=
                   config_.cors_origins.end();
  if (!any && std::find(config_.cors_origins.begin(), config_.cors_origins.end(), value) ==
                  config_.cors_origins.end()) {
    return;
  }
  res.header("Access-Control-Allow-Origin", any ? "*" : value);
  res.header("Vary", "Origin");
  res.header("Access-Control-Expose-Headers",
             "X-Total-Count, Link, X-Request-Id, Retry-After, Location");
}

void Server::start() {
  database_ =
      std::make_unique<WorkQueue>("api-db", config_.workers, config_.queue, config_.worker_nice);
  // Hashing keeps the network threads' priority: at nice 10, a login flood (bench/flood.sh) got a
  // third of the hashes done (52 in 10 s instead of 146), and legitimate logins with them.
  hashing_ = std::make_unique<WorkQueue>("api-hash", config_.hash_workers, config_.hash_queue);
  metrics_.set_queue_probe([this](Metrics::Queue q) {
    const WorkQueue& queue = q == Metrics::Queue::kHashing ? *hashing_ : *database_;
    return Metrics::QueueStats{queue.workers(), queue.waiting(), queue.capacity()};
  });
  const Pistache::Address address(config_.bind, Pistache::Port(config_.port));
  endpoint_ = std::make_unique<Pistache::Http::Endpoint>(address);
  // TCP_NODELAY (accepted sockets inherit it), as nginx's default: each answer is one write, and
  // with Nagle on, the second of two pipelined answers waited for the client's delayed ACK (40 ms).
  const auto socket_flags = Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::NoDelay;
  auto options = Pistache::Http::Endpoint::options()
                     .threads(static_cast<int>(config_.threads))
                     .flags(socket_flags)
                     // Backstops for connections that stop sending altogether; a request that
                     // keeps trickling gets the guard's 408 (kHeadDeadline, kRequestDeadline).
                     .headerTimeout(kHeadDeadline + std::chrono::seconds(5))
                     .bodyTimeout(kRequestDeadline + std::chrono::seconds(5))
                     .keepaliveTimeout(std::chrono::seconds(75));
  endpoint_->init(options);
  // Endpoint::init ignores options().backlog() and listens with 128: a burst of connections then
  // overflows the accept queue and clients wait for SYN retransmits (1 s, 3 s). Listener::init
  // only stores its arguments: set them again with a deeper queue (the kernel caps it at
  // somaxconn).
  endpoint_->initArgs(static_cast<size_t>(config_.threads),
                      Pistache::Flags<Pistache::Tcp::Options>(socket_flags), std::string{},
                      kListenBacklog);
  endpoint_->setHandler(std::make_shared<GuardedHandler>(
      [this](IncomingRequest&& req, const PeerPtr& peer) { dispatch(std::move(req), peer); },
      [this](const Problem& problem, const PeerPtr& peer) { refuse(problem, peer); }));
  endpoint_->serveThreaded();
}

void Server::shutdown(std::chrono::milliseconds budget) {
  if (!endpoint_) return;
  const auto signalled = std::chrono::steady_clock::now();
  const auto deadline = signalled + budget;
  // Stop accepting first (as Go's http.Server.Shutdown and nginx do): under load, clients told
  // "Connection: close" would otherwise reconnect and keep the server busy until the budget runs
  // out, and the requests in flight then would be cut off. Refused, they go to another replica.
  // The connections the kernel has already completed are handed to Pistache before the listening
  // socket closes (closing it resets them). Only then does the drain start answering "Connection:
  // close": a client told so while the socket still listened reconnected at once, landed in the
  // accept queue and, if the close came before Pistache accepted it, read "connection reset" on a
  // new connection — an error no client retries (curl: 56).
  constexpr auto kHandOver = std::chrono::milliseconds(250);
  const auto closed = close_listener(endpoint_->getPort(), signalled + std::min(kHandOver, budget));
  draining_.store(true, std::memory_order_release);
  if (!closed.closed) {
    app::log::warn(
        "could not close the listening socket: new connections are accepted until the "
        "end of the drain");
  } else if (!closed.handshakes_stopped) {
    app::log::warn(
        "could not stop new handshakes: connections not yet accepted when the listening socket "
        "closed were reset");
  } else if (closed.reset > 0) {
    app::log::warn("connections not accepted in time: reset by the listening socket's close")
        .num("reset", closed.reset)
        .num("handed_over", closed.handed_over);
  } else {
    app::log::info("listening socket closed").num("handed_over", closed.handed_over);
  }
  // Requests already sent by clients may still sit in socket buffers — those of the connections
  // just handed over too, on their way to a network thread: wait for a quiet period, counted from
  // the close at the earliest, with nothing in flight and no request started or finished, so that
  // they are read, handled and answered too.
  constexpr auto kQuiet = std::chrono::milliseconds(150);
  const auto closed_at = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    const auto now = std::chrono::steady_clock::now();
    const auto last = std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_request_ns_.load(std::memory_order_acquire)));
    if (in_flight_.load(std::memory_order_acquire) == 0 &&
        now - std::max(last, closed_at) >= kQuiet)
      break;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(10));  // shutdown pacing, bounded by budget
  }
  // Requests still waiting for a worker when the budget ran out are dropped with their connection.
  database_->stop();
  hashing_->stop();
  endpoint_->shutdown();
}

}  // namespace boutique::http
