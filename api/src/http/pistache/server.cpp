#include "http/pistache/server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <thread>

#include "app/log.hpp"
#include "db/errors.hpp"
#include "http/pistache/guarded_handler.hpp"
#include "http/pistache/listener.hpp"
#include "http/pistache/request_source.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"
#include "security/crypto.hpp"

namespace boutique::http {
namespace {

using Pistache::Http::ResponseWriter;
using PRequest = Pistache::Rest::Request;
namespace Routes = Pistache::Rest::Routes;

// What Pistache may buffer for one request: the guard (http/guarded_handler.hpp) hands it one head
// of at most kMaxHeadBytes and a body of at most kMaxBodyBytes.
constexpr std::size_t kMaxRequestBytes = kMaxHeadBytes + kMaxBodyBytes + 1;
constexpr int kListenBacklog = 4096;

bool sane_request_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::string_view method_text(Pistache::Http::Method m) {
  using M = Pistache::Http::Method;
  switch (m) {
    case M::Get:
      return "GET";
    case M::Post:
      return "POST";
    case M::Put:
      return "PUT";
    case M::Patch:
      return "PATCH";
    case M::Delete:
      return "DELETE";
    case M::Options:
      return "OPTIONS";
    case M::Head:
      return "HEAD";
    default:
      return "OTHER";
  }
}

// Pistache 0.0.5 serialises only typed headers in responses (addRaw() is silently dropped):
// one typed header class that carries any name and value.
class AnyHeader : public Pistache::Http::Header::Header {
 public:
  AnyHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& stream) const override { stream << value_; }
  std::uint64_t hash() const override { return std::hash<std::string>{}(name_); }

 private:
  std::string name_;
  std::string value_;
};

// Keep the connection open after this response? HTTP/1.1: unless the client sent
// "Connection: close"; HTTP/1.0: only if it sent "Connection: keep-alive".
bool wants_keep_alive(const PRequest& req) {
  const auto connection = req.headers().tryGetRaw("Connection");
  const auto has = [&](std::string_view token) {
    if (!connection) return false;
    std::string value = connection->value();
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return value.find(token) != std::string::npos;
  };
  if (req.version() == Pistache::Http::Version::Http11) return !has("close");
  return has("keep-alive");
}

// One request in flight, from dispatch until Pistache is done with its response: written, failed,
// or dropped. The token lives in the callbacks attached to the write's promise, so it goes with
// them: Pistache 0.0.5 settles that promise when the write ends, but when the client disconnects
// first it discards the pending write and destroys the promise unsettled — a counter decremented
// in the callbacks leaked then, and every later drain waited out its whole budget.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count) {
    count_.fetch_add(1, std::memory_order_acq_rel);
  }
  ~InFlight() { count_.fetch_sub(1, std::memory_order_acq_rel); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& count_;
};

}  // namespace

std::vector<RouteLabel> Server::route_labels() {
  std::vector<RouteLabel> labels;
  for (const auto& r : routes())
    labels.push_back({std::string(method_name(r.method)), std::string(r.path)});
  return labels;
}

Server::Server(const app::Config& config, Api& api, Metrics& metrics)
    : config_(config), api_(api), metrics_(metrics) {
  // Every path answers every method: the route's own, 405 (+Allow) for the others, OPTIONS for
  // CORS preflight. Pistache's built-in 404/405 replies are plain text and skip our wrapper.
  std::map<std::string_view, std::vector<std::pair<Method, std::size_t>>> by_path;
  const auto& table = routes();
  for (std::size_t i = 0; i < table.size(); ++i)
    by_path[table[i].path].emplace_back(table[i].method, i);

  const std::size_t unmatched = table.size();
  for (const auto& [path, methods] : by_path) {
    std::string allow;
    for (const auto& [m, i] : methods)
      allow += std::string(allow.empty() ? "" : ", ") + std::string(method_name(m));
    allow += ", OPTIONS";
    const auto bind = [this, allow](std::size_t route, Handler handler) {
      return [this, route, handler, allow](const PRequest& req, ResponseWriter writer) {
        dispatch(route, handler, allow, req, std::move(writer));
        return Pistache::Rest::Route::Result::Ok;
      };
    };
    const std::string p(path);
    for (const Method m :
         {Method::kGet, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete}) {
      const auto found =
          std::find_if(methods.begin(), methods.end(), [m](const auto& e) { return e.first == m; });
      const auto route = found == methods.end() ? unmatched : found->second;
      const Handler handler = found == methods.end() ? nullptr : table[found->second].handler;
      switch (m) {
        case Method::kGet:
          Routes::Get(router_, p, bind(route, handler));
          Routes::Head(router_, p, bind(unmatched, nullptr));
          break;
        case Method::kPost:
          Routes::Post(router_, p, bind(route, handler));
          break;
        case Method::kPut:
          Routes::Put(router_, p, bind(route, handler));
          break;
        case Method::kPatch:
          Routes::Patch(router_, p, bind(route, handler));
          break;
        case Method::kDelete:
          Routes::Delete(router_, p, bind(route, handler));
          break;
      }
    }
    Routes::Options(router_, p, bind(unmatched, nullptr));
  }
  Routes::NotFound(router_, [this, unmatched](const PRequest& req, ResponseWriter writer) {
    dispatch(unmatched, nullptr, {}, req, std::move(writer));
    return Pistache::Rest::Route::Result::Ok;
  });
}

Response Server::preflight(const std::string& allow) const {
  Response r{204, {}, kJson, {}, {}};
  r.header("Allow", allow);
  r.header("Access-Control-Allow-Methods", allow);
  r.header("Access-Control-Allow-Headers",
           "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
  r.header("Access-Control-Max-Age", "600");
  return r;
}

void Server::add_cors(const PRequest& req, Response& res) const {
  if (config_.cors_origins.empty()) return;
  const auto origin = req.headers().tryGetRaw("Origin");
  if (!origin) return;
  const auto& value = origin->value();
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

// One request on its way. On the network thread it points at Pistache's request, which lives only
// during the route handler's call; deferred (behind its connection's earlier request) or handed to
// a worker, it owns a copy.
struct Server::Exchange {
  std::size_t route;
  Handler handler;
  std::string allow;
  const PRequest* req;
  std::optional<PRequest> copy;
  ResponseWriter writer;
  std::string request_id;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point queued{};
  std::shared_ptr<InFlight> in_flight;
  const void* key;  // its connection: the strand it belongs to

  // Owned by a shared pointer, with its own copy of the request.
  static ExchangePtr own(Exchange&& ex) {
    auto owned = std::make_shared<Exchange>(std::move(ex));
    owned->copy.emplace(*owned->req);
    owned->req = &*owned->copy;
    return owned;
  }
};

void Server::dispatch(std::size_t route, Handler handler, std::string allow, const PRequest& req,
                      ResponseWriter writer) {
  const auto started = std::chrono::steady_clock::now();
  last_request_ns_.store(started.time_since_epoch().count(), std::memory_order_release);
  const auto client_id = req.headers().tryGetRaw("X-Request-Id");
  const auto peer = writer.getPeer();
  Exchange ex{
      route,
      handler,
      std::move(allow),
      &req,
      std::nullopt,
      std::move(writer),
      client_id && sane_request_id(client_id->value()) ? client_id->value() : security::random_id(),
      started,
      {},
      std::make_shared<InFlight>(in_flight_),
      peer.get()};
  const void* key = ex.key;
  // A request behind another of its connection (pipelined) waits for that one's answer.
  if (!strands_.enter_or_defer(key, [&] { return Exchange::own(std::move(ex)); })) return;
  if (start(ex, nullptr)) continue_strand(key);
}

bool Server::start(Exchange& ex, const ExchangePtr* owned) {
  const RouteDef* def = ex.handler ? &routes()[ex.route] : nullptr;
  // 404, 405, OPTIONS and the routes that never block: here.
  if (!def || def->work == Work::kNetwork) {
    answer(ex, respond(ex));
    return true;
  }
  // A list from the cache: here too.
  if (def->from_memory) {
    std::optional<Response> hit;
    try {
      const PistacheRequest source(*ex.req);
      const http::Request request(source, ex.request_id);
      hit = (api_.*def->from_memory)(request);
    } catch (const Problem& p) {
      hit = p.response();
    }
    if (hit) {
      answer(ex, std::move(*hit));
      return true;
    }
  }
  const ExchangePtr job = owned ? *owned : Exchange::own(std::move(ex));
  job->queued = std::chrono::steady_clock::now();
  const bool hashing = def->work == Work::kHashing;
  WorkQueue& queue = hashing ? *hashing_ : *database_;
  if (queue.submit([this, job] { run_on_worker(job); })) return false;
  metrics_.rejected(hashing ? Metrics::Queue::kHashing : Metrics::Queue::kDatabase);
  answer(*job, unavailable(hashing ? "trop de connexions et d'inscriptions en cours, réessayez"
                                   : "serveur surchargé, réessayez dans un instant")
                   .response());
  return true;
}

void Server::run_on_worker(const ExchangePtr& ex) {
  if (std::chrono::steady_clock::now() - ex->queued > kMaxQueueWait) {
    // The client has waited long enough: it is told to retry rather than served late.
    metrics_.rejected(routes()[ex->route].work == Work::kHashing ? Metrics::Queue::kHashing
                                                                 : Metrics::Queue::kDatabase);
    answer(*ex, unavailable("serveur surchargé, réessayez dans un instant").response());
  } else {
    answer(*ex, respond(*ex));
  }
  continue_strand(ex->key);
}

void Server::continue_strand(const void* key) {
  while (auto next = strands_.done(key)) {
    const ExchangePtr ex = std::move(*next);
    if (!start(*ex, &ex)) return;  // on a worker now, which continues the strand
  }
}

Response Server::respond(Exchange& ex) {
  const PRequest& req = *ex.req;
  const PistacheRequest source(req);
  const http::Request request(source, ex.request_id);
  try {
    if (req.body().size() > kMaxBodyBytes) throw body_too_large();
    if (ex.handler) return (api_.*ex.handler)(request);
    if (req.method() == Pistache::Http::Method::Options && !ex.allow.empty())
      return preflight(ex.allow);
    if (!ex.allow.empty()) {
      return Problem(ProblemKind::methode_non_autorisee, std::string(method_text(req.method())) +
                                                             " n'est pas accepté sur " +
                                                             req.resource())
          .header("Allow", ex.allow)
          .response();
    }
    return not_found("aucune ressource à l'adresse " + req.resource()).response();
  } catch (const Problem& p) {
    return p.response();
  } catch (const db::Unavailable& e) {
    app::log::warn("database unavailable").str("request_id", ex.request_id).str("error", e.what());
    return unavailable("base de données indisponible, réessayez dans un instant").response();
  } catch (const db::QueryFailed& e) {
    app::log::error("unexpected database error")
        .str("request_id", ex.request_id)
        .str("sqlstate", e.sqlstate())
        .str("error", e.what());
    return internal_error().response();
  } catch (const std::exception& e) {
    app::log::error("unexpected error").str("request_id", ex.request_id).str("error", e.what());
    return internal_error().response();
  }
}

void Server::answer(Exchange& ex, Response res) {
  const PRequest& req = *ex.req;
  add_cors(req, res);
  // Connection: close is honoured (Pistache 0.0.5 only wrote the header): the response is followed
  // by a half-close.
  const bool keep_alive = !draining_.load(std::memory_order_acquire) && wants_keep_alive(req);
  const std::weak_ptr<Pistache::Tcp::Peer> peer = ex.writer.getPeer();
  // A response to HEAD carries the headers only (RFC 9110 §9.3.2).
  const bool head = req.method() == Pistache::Http::Method::Head;
  try {
    send(ex.writer, res, ex.request_id, keep_alive, head)
        .then(
            [peer, keep_alive, in_flight = ex.in_flight](ssize_t) {
              if (!keep_alive) shutdown_write(peer);
            },
            [peer, in_flight = ex.in_flight](std::exception_ptr) { shutdown_write(peer); });
  } catch (const std::exception& e) {
    // The connection went away while the request was handled: nobody to answer.
    app::log::info("answer not sent").str("request_id", ex.request_id).str("error", e.what());
  }
  ex.in_flight.reset();  // the write's callbacks hold it until the write ends

  const auto finished = std::chrono::steady_clock::now();
  const auto elapsed = finished - ex.started;
  // A slow request ending counts as activity too: the drain must not take the gap before the
  // next queued request (still unread in its socket) for a quiet period.
  last_request_ns_.store(finished.time_since_epoch().count(), std::memory_order_release);
  metrics_.observe(ex.route, res.status, elapsed);
  app::log::info("request")
      .str("method", method_text(req.method()))
      .str("path", req.resource())
      .num("status", res.status)
      .real("duration_ms", std::chrono::duration<double, std::milli>(elapsed).count())
      .str("request_id", ex.request_id);
}

Pistache::Async::Promise<ssize_t> Server::send(ResponseWriter& writer, Response& res,
                                               const std::string& request_id, bool keep_alive,
                                               bool head_only) {
  namespace H = Pistache::Http::Header;
  auto& headers = writer.headers();
  headers.remove<H::Connection>();
  headers.add<H::Connection>(keep_alive ? Pistache::Http::ConnectionControl::KeepAlive
                                        : Pistache::Http::ConnectionControl::Close);
  if (!(res.status == 204 || res.payload().empty())) {
    headers.add(std::make_shared<AnyHeader>("Content-Type", std::string(res.content_type)));
  }
  headers.add(std::make_shared<AnyHeader>("X-Request-Id", request_id));
  for (auto& [name, value] : res.headers)
    headers.add(std::make_shared<AnyHeader>(std::move(name), std::move(value)));
  return writer.send(static_cast<Pistache::Http::Code>(res.status),
                     head_only ? std::string{} : res.payload());
}

Pistache::Async::Promise<ssize_t> Server::refuse(const Problem& problem, ResponseWriter writer) {
  // A request refused before routing (malformed, too large, too slow): the connection is closed
  // after the answer.
  const std::string request_id = security::random_id();
  Response res = problem.response();
  metrics_.observe(routes().size(), res.status, std::chrono::nanoseconds(0));
  app::log::info("request refused")
      .num("status", res.status)
      .str("detail", problem.detail())
      .str("request_id", request_id);
  return send(writer, res, request_id, /*keep_alive=*/false, /*head_only=*/false);
}

void Server::start() {
  database_ = std::make_unique<WorkQueue>("api-db", config_.workers, config_.queue);
  hashing_ = std::make_unique<WorkQueue>("api-hash", config_.hash_workers, config_.hash_queue);
  metrics_.set_queue_probe([this](Metrics::Queue q) {
    const WorkQueue& queue = q == Metrics::Queue::kHashing ? *hashing_ : *database_;
    return Metrics::QueueStats{queue.workers(), queue.waiting(), queue.capacity()};
  });
  const Pistache::Address address(config_.bind, Pistache::Port(config_.port));
  endpoint_ = std::make_unique<Pistache::Http::Endpoint>(address);
  auto options = Pistache::Http::Endpoint::options()
                     .threads(static_cast<int>(config_.threads))
                     .flags(Pistache::Tcp::Options::ReuseAddr)
                     .maxRequestSize(kMaxRequestBytes)
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
                      Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr),
                      std::string{}, kListenBacklog);
  // The guard copies the router (as router_.handler() would): every route is already added.
  endpoint_->setHandler(std::make_shared<GuardedHandler>(
      router_, [this](const Problem& problem, ResponseWriter writer) {
        return refuse(problem, std::move(writer));
      }));
  endpoint_->serveThreaded();
}

void Server::shutdown(std::chrono::milliseconds budget) {
  if (!endpoint_) return;
  draining_.store(true, std::memory_order_release);
  // Stop accepting first (as Go's http.Server.Shutdown and nginx do): under load, clients told
  // "Connection: close" would otherwise reconnect and keep the server busy until the budget runs
  // out, and the requests in flight then would be cut off. Refused, they go to another replica.
  if (!close_listener(endpoint_->getPort())) {
    app::log::warn(
        "could not close the listening socket: new connections are accepted until the "
        "end of the drain");
  }
  // Requests already sent by clients may still sit in socket buffers: wait for a quiet period with
  // nothing in flight and no request started or finished, so that they are read, handled and
  // answered too.
  constexpr auto kQuiet = std::chrono::milliseconds(150);
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto now = std::chrono::steady_clock::now();
    const auto last = std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_request_ns_.load(std::memory_order_acquire)));
    if (in_flight_.load(std::memory_order_acquire) == 0 && now - last >= kQuiet) break;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(10));  // shutdown pacing, bounded by budget
  }
  // Requests still waiting for a worker when the budget ran out are dropped with their connection.
  database_->stop();
  hashing_->stop();
  endpoint_->shutdown();
}

}  // namespace boutique::http
