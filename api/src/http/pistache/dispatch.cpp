// Server's dispatch: where each request's handler runs (the network thread, or a worker queue),
// in order per connection, its errors mapped to problems, and the answer written (server.hpp).
#include <chrono>
#include <optional>

#include "app/log.hpp"
#include "db/errors.hpp"
#include "http/pistache/guarded_handler.hpp"
#include "http/pistache/request_source.hpp"
#include "http/pistache/server.hpp"
#include "http/pistache/wire.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"
#include "security/crypto.hpp"

namespace boutique::http {
namespace {

using Pistache::Http::ResponseWriter;
using wire::AnyHeader;
using wire::InFlight;
using wire::method_text;
using wire::PRequest;
using wire::sane_request_id;
using wire::wants_keep_alive;

}  // namespace

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

}  // namespace boutique::http
