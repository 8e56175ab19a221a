// Server's dispatch: where each request's handler runs (the network thread, or a worker queue),
// in order per connection, its errors mapped to problems, and the answer written (server.hpp).
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <chrono>
#include <optional>

#include "app/log.hpp"
#include "db/errors.hpp"
#include "http/pistache/guarded_handler.hpp"
#include "http/pistache/server.hpp"
#include "http/pistache/wire.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"
#include "security/crypto.hpp"

namespace boutique::http {
namespace {

using wire::ConnectionWrites;
using wire::InFlight;
using wire::sane_request_id;
using wire::wants_keep_alive;

// Set while a reactor thread runs Server::dispatch: what is answered then is answered on the
// thread that owns the connection (a deferred request of the same connection included).
thread_local bool t_in_reactor_dispatch = false;
// The connection this reactor thread last answered straight to its socket. Pistache reads a
// connection until the socket is empty: a client that gets its answer at once sends its next
// request before that loop ends, and one connection would be served again and again while the
// thread's other connections wait (p99 went from 4 to 50 ms). A connection answered twice in a
// row gets its second answer through the queue, sent after the thread's other ready connections,
// as nginx posts a keep-alive connection's next read behind the other ready events.
thread_local const void* t_last_direct_peer = nullptr;

class ReactorDispatch {
 public:
  ReactorDispatch() { t_in_reactor_dispatch = true; }
  ~ReactorDispatch() { t_in_reactor_dispatch = false; }
  ReactorDispatch(const ReactorDispatch&) = delete;
  ReactorDispatch& operator=(const ReactorDispatch&) = delete;
};

// The connection's queued-writes counter, made on its first request (on its reactor thread, the
// only one that touches the peer's data map).
std::shared_ptr<ConnectionWrites> connection_writes(Pistache::Tcp::Peer* peer) {
  if (peer == nullptr) return std::make_shared<ConnectionWrites>();
  if (auto data = peer->tryGetData(wire::kConnectionWritesKey))
    return std::static_pointer_cast<ConnectionWrites>(data);
  auto made = std::make_shared<ConnectionWrites>();
  peer->putData(wire::kConnectionWritesKey, made);
  return made;
}

// The answer's status line and headers as they go on the wire, built in one buffer, where
// Pistache 0.0.5 allocates a header object per header, serialises them through an ostream into a
// buffer that doubles as it fills, then copies that buffer twice more on its way to the socket.
// The body goes after it, sent from where it lies (a cached list's body is shared, not copied).
struct Head {
  std::string bytes;
  bool send_body;
};

Head response_head(bool http10, const Response& res, std::string_view request_id, bool keep_alive,
                   bool head_only) {
  const std::string& body = res.payload();
  // No content, by definition (RFC 9110 §6.4.1): no body, no Content-Length.
  const bool no_content = res.status == 204 || res.status == 304 || res.status < 200;
  const bool send_body = !head_only && !no_content && !body.empty();
  std::string out;
  out.reserve(320);
  out += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += Pistache::Http::codeString(static_cast<Pistache::Http::Code>(res.status));
  out += "\r\n";
  const auto line = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  if (!no_content && !body.empty()) line("Content-Type", res.content_type);
  line("X-Request-Id", request_id);
  for (const auto& [name, value] : res.headers) line(name, value);
  line("Connection", keep_alive ? "Keep-Alive" : "Close");
  // A HEAD answer says 0, as it always has here (clients that trust the length of a HEAD
  // answer would otherwise wait for a body that never comes).
  if (!no_content) line("Content-Length", std::to_string(send_body ? body.size() : 0));
  out += "\r\n";
  return {std::move(out), send_body};
}

}  // namespace

// One request on its way: it owns its request, and moves (never copies) with it from the network
// thread to the strand's queue or a worker. A request the guard refused has no request (`req`
// empty), only its `refusal`: it goes through its connection's strand all the same, to be answered
// in its turn.
struct Server::Exchange {
  std::size_t route;
  Handler handler;
  const std::string* allow;  // the path's Allow list (owned by the router), or null
  std::optional<IncomingRequest> req;
  std::weak_ptr<Pistache::Tcp::Peer> peer;
  std::string request_id;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point queued{};
  std::shared_ptr<InFlight> in_flight;
  const void* key;  // its connection: the strand it belongs to
  std::shared_ptr<ConnectionWrites> writes;
  std::optional<Problem> refusal;

  static ExchangePtr own(Exchange&& ex) { return std::make_shared<Exchange>(std::move(ex)); }
};

void Server::dispatch(IncomingRequest&& req, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  const ReactorDispatch on_reactor;
  const auto started = std::chrono::steady_clock::now();
  last_request_ns_.store(started.time_since_epoch().count(), std::memory_order_release);
  auto match = router_.match(req.method(), req.path());
  req.set_path_params(std::move(match.params));
  const Handler handler = match.route < routes().size() ? routes()[match.route].handler : nullptr;
  const auto client_id = req.field("X-Request-Id");
  std::string request_id =
      client_id && sane_request_id(*client_id) ? std::string(*client_id) : security::random_id();
  Exchange ex{match.route,
              handler,
              match.allow,
              std::move(req),
              peer,
              std::move(request_id),
              started,
              {},
              std::make_shared<InFlight>(in_flight_),
              peer.get(),
              connection_writes(peer.get()),
              std::nullopt};
  const void* key = ex.key;
  // A request behind another of its connection (pipelined) waits for that one's answer.
  if (!strands_.enter_or_defer(key, [&] { return Exchange::own(std::move(ex)); })) return;
  if (start(ex, nullptr)) continue_strand(key);
}

bool Server::start(Exchange& ex, const ExchangePtr* owned) {
  // Read behind an answer that closed the connection: never handled (wire.hpp, ConnectionWrites).
  // Checked here, inside the strand, where the answer before it has already been made.
  if (ex.writes->closed.load(std::memory_order_acquire)) {
    drop(ex);
    return true;
  }
  if (ex.refusal) {
    answer_refusal(ex);
    return true;
  }
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
      const http::Request request(*ex.req, ex.request_id);
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
  const IncomingRequest& req = *ex.req;
  const http::Request request(req, ex.request_id);
  try {
    if (req.body().size() > kMaxBodyBytes) throw body_too_large();
    if (ex.handler) return (api_.*ex.handler)(request);
    if (req.method() == Method::kOptions && ex.allow) return preflight(*ex.allow);
    if (ex.allow) {
      return Problem(ProblemKind::methode_non_autorisee, std::string(method_name(req.method())) +
                                                             " n'est pas accepté sur " + req.path())
          .header("Allow", *ex.allow)
          .response();
    }
    return not_found("aucune ressource à l'adresse " + req.path()).response();
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

void Server::drop(Exchange& ex) {
  ex.in_flight.reset();
  metrics_.dropped();
  if (!ex.req) {
    app::log::info("refusal not sent")
        .num("status", ex.refusal->status())
        .str("detail", ex.refusal->detail())
        .str("reason", "sent after an answer with Connection: close")
        .str("request_id", ex.request_id);
    return;
  }
  const IncomingRequest& req = *ex.req;
  app::log::info("request dropped")
      .str("method", method_name(req.method()))
      .str("path", req.path())
      .str("reason", "sent after an answer with Connection: close")
      .str("request_id", ex.request_id);
}

void Server::answer(Exchange& ex, Response res) {
  const IncomingRequest& req = *ex.req;
  add_cors(req, res);
  // Connection: close is honoured (Pistache 0.0.5 only wrote the header): the response is followed
  // by a half-close, and the requests already read behind it are dropped (start()).
  const bool keep_alive = !draining_.load(std::memory_order_acquire) && wants_keep_alive(req);
  if (!keep_alive) ex.writes->closed.store(true, std::memory_order_release);
  // A response to HEAD carries the headers only (RFC 9110 §9.3.2).
  const bool head = req.method() == Method::kHead;
  write(ex, res, keep_alive, head);
  ex.in_flight.reset();  // the write's callbacks hold it until the write ends

  const auto finished = std::chrono::steady_clock::now();
  const auto elapsed = finished - ex.started;
  // A slow request ending counts as activity too: the drain must not take the gap before the
  // next queued request (still unread in its socket) for a quiet period.
  last_request_ns_.store(finished.time_since_epoch().count(), std::memory_order_release);
  metrics_.observe(ex.route, res.status, elapsed);
  app::log::info("request")
      .str("method", method_name(req.method()))
      .str("path", req.path())
      .num("status", res.status)
      .real("duration_ms", std::chrono::duration<double, std::milli>(elapsed).count())
      .str("request_id", ex.request_id);
}

void Server::write(Exchange& ex, const Response& res, bool keep_alive, bool head_only) {
  const auto peer = ex.peer.lock();
  if (!peer) {
    // The connection went away while the request was handled: nobody to answer.
    app::log::info("answer not sent")
        .str("request_id", ex.request_id)
        .str("error", "connection closed");
    return;
  }
  peer->setIdle(true);  // as Pistache's own send: the connection now waits for its next request
  Head head = response_head(ex.req && ex.req->http10(), res, ex.request_id, keep_alive, head_only);
  const std::string_view body = head.send_body ? std::string_view(res.payload()) : "";
  // On the connection's own reactor thread, with nothing of it left in Pistache's write queue,
  // the answer goes straight to the socket, head and body in one sendmsg(2): no hand-off through
  // the queue and its eventfd, no copy of the body. Whatever the socket does not take at once
  // queues behind, as every other answer does.
  const bool direct = t_in_reactor_dispatch && t_last_direct_peer != peer.get() &&
                      ex.writes->queued.load(std::memory_order_acquire) == 0;
  if (t_in_reactor_dispatch) t_last_direct_peer = direct ? peer.get() : nullptr;
  std::size_t sent_bytes = 0;
  if (direct) {
    iovec parts[2] = {{head.bytes.data(), head.bytes.size()},
                      {const_cast<char*>(body.data()), body.size()}};
    msghdr msg{};
    msg.msg_iov = parts;
    msg.msg_iovlen = body.empty() ? 1 : 2;
    const ssize_t sent = ::sendmsg(peer->fd(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent == static_cast<ssize_t>(head.bytes.size() + body.size())) {
      if (!keep_alive) ::shutdown(peer->fd(), SHUT_WR);
      return;
    }
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      // Reset or closed by the client: Pistache sees it on its next read and drops the peer.
      ::shutdown(peer->fd(), SHUT_WR);
      return;
    }
    sent_bytes = sent > 0 ? static_cast<std::size_t>(sent) : 0;
  }
  // What is left, in one buffer for Pistache's queue.
  std::string bytes;
  if (sent_bytes < head.bytes.size()) {
    bytes = std::move(head.bytes);
    bytes.erase(0, sent_bytes);
    bytes.append(body);
  } else {
    bytes.assign(body.substr(sent_bytes - head.bytes.size()));
  }
  const std::weak_ptr<Pistache::Tcp::Peer> weak = peer;
  ex.writes->queued.fetch_add(1, std::memory_order_acq_rel);
  try {
    const auto size = bytes.size();
    peer->send(Pistache::RawBuffer(std::move(bytes), size))
        .then(
            [weak, keep_alive, writes = ex.writes, in_flight = ex.in_flight](ssize_t) {
              writes->queued.fetch_sub(1, std::memory_order_acq_rel);
              if (!keep_alive) shutdown_write(weak);
            },
            [weak, writes = ex.writes, in_flight = ex.in_flight](std::exception_ptr) {
              writes->queued.fetch_sub(1, std::memory_order_acq_rel);
              shutdown_write(weak);
            });
  } catch (const std::exception& e) {
    ex.writes->queued.fetch_sub(1, std::memory_order_acq_rel);
    app::log::info("answer not sent").str("request_id", ex.request_id).str("error", e.what());
    if (!keep_alive) shutdown_write(weak);
  }
}

void Server::refuse(const Problem& problem, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  const auto now = std::chrono::steady_clock::now();
  last_request_ns_.store(now.time_since_epoch().count(), std::memory_order_release);
  Exchange ex{routes().size(),
              nullptr,
              nullptr,
              std::nullopt,
              peer,
              security::random_id(),
              now,
              {},
              std::make_shared<InFlight>(in_flight_),
              peer.get(),
              connection_writes(peer.get()),
              problem};
  const void* key = ex.key;
  // Behind a request of its connection still being handled (on a worker): its answer comes first.
  if (!strands_.enter_or_defer(key, [&] { return Exchange::own(std::move(ex)); })) return;
  if (start(ex, nullptr)) continue_strand(key);
}

void Server::answer_refusal(Exchange& ex) {
  const Problem& problem = *ex.refusal;
  const Response res = problem.response();
  // The guard reads nothing more on this connection: it is half-closed after this answer.
  ex.writes->closed.store(true, std::memory_order_release);
  write(ex, res, /*keep_alive=*/false, /*head_only=*/false);
  ex.in_flight.reset();  // the write's callbacks hold it until the write ends
  const auto finished = std::chrono::steady_clock::now();
  last_request_ns_.store(finished.time_since_epoch().count(), std::memory_order_release);
  metrics_.observe(ex.route, res.status, finished - ex.started);
  app::log::info("request refused")
      .num("status", res.status)
      .str("detail", problem.detail())
      .str("request_id", ex.request_id);
}

}  // namespace boutique::http
