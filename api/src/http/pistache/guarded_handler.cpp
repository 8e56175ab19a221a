#include "http/pistache/guarded_handler.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <variant>

#include <pistache/peer.h>
#include <pistache/stream.h>
#include <pistache/transport.h>

#include "app/log.hpp"
#include "http/request.hpp"
#include "http/request_head.hpp"

namespace boutique::http {

namespace Http = Pistache::Http;
using Clock = std::chrono::steady_clock;

// Per connection, kept in the Pistache peer (peer->putData).
struct GuardedHandler::State {
  std::string pending;   // received and not handed to Pistache yet: a head, or what follows a body
  bool in_body = false;  // the head is handed over; body_left more bytes belong to this request
  std::uint64_t body_left = 0;
  bool closing = false;         // refused: further input is discarded until the connection closes
  Clock::time_point started{};  // first byte of the current request
  HeadScanner scanner{kMaxBodyBytes};  // the current request's head: checked incrementally
};

namespace {

constexpr const char* kStateKey = "boutique.guard";

Problem timeout_problem(bool head) {
  return Problem(ProblemKind::delai_depasse, head ? "les en-têtes doivent arriver en moins de " +
                                                        std::to_string(kHeadDeadline.count()) + " s"
                                                  : "la requête doit arriver en moins de " +
                                                        std::to_string(kRequestDeadline.count()) +
                                                        " s");
}

}  // namespace

void shutdown_write(const std::weak_ptr<Pistache::Tcp::Peer>& peer) {
  // The reactor thread owns the peer: while it is alive its fd is still this connection's.
  if (const auto p = peer.lock()) ::shutdown(p->fd(), SHUT_WR);
}

GuardedHandler::GuardedHandler(const Pistache::Rest::Router& routes, Reject reject)
    : RouterHandler(routes), reject_(std::move(reject)) {}

void GuardedHandler::onInput(const char* buffer, size_t len,
                             const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto data = peer->tryGetData(kStateKey);
  if (!data) {
    data = std::make_shared<State>();
    peer->putData(kStateKey, data);
  }
  auto& state = *std::static_pointer_cast<State>(data);
  if (state.closing) return;
  const auto now = Clock::now();
  if (state.in_body) {
    if (now - state.started > kRequestDeadline) return refuse(peer, state, timeout_problem(false));
    const auto n = static_cast<size_t>(std::min<std::uint64_t>(len, state.body_left));
    state.body_left -= n;
    deliver(peer, state, buffer, n);
    buffer += n;
    len -= n;
    if (state.closing || len == 0) return;
  }
  if (state.pending.empty()) state.started = now;
  state.pending.append(buffer, len);
  drain(peer, state);
}

void GuardedHandler::drain(const std::shared_ptr<Pistache::Tcp::Peer>& peer, State& state) {
  while (!state.closing && !state.in_body && !state.pending.empty()) {
    const auto scan = state.scanner.scan(state.pending);
    if (std::holds_alternative<NeedMore>(scan)) {
      if (Clock::now() - state.started > kHeadDeadline) refuse(peer, state, timeout_problem(true));
      return;
    }
    if (const auto* problem = std::get_if<Problem>(&scan)) return refuse(peer, state, *problem);

    const auto& head = std::get<AcceptedHead>(scan);
    const auto body_here =
        std::min<std::uint64_t>(state.pending.size() - head.length, head.content_length);
    if (head.expect_continue && body_here < head.content_length) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      transport()
          ->asyncWrite(peer->fd(), Pistache::RawBuffer(kContinue, kContinue.size()))
          .then([](ssize_t) {}, [](std::exception_ptr) {});
    }
    state.in_body = true;
    state.body_left = head.content_length - body_here;
    // Pistache copies what it is fed: hand over the head and the body bytes already here, without
    // the empty lines before the request line (RFC 9112 §2.2 says to ignore them; Pistache would
    // read "\r\nGET" as the method and close a keep-alive connection over it).
    const auto taken = head.length + static_cast<size_t>(body_here);
    deliver(peer, state, state.pending.data() + head.leading, taken - head.leading);
    if (state.closing) return;
    state.pending.erase(0, taken);
    state.scanner.reset();
    if (!state.in_body && !state.pending.empty()) state.started = Clock::now();
  }
}

void GuardedHandler::deliver(const std::shared_ptr<Pistache::Tcp::Peer>& peer, State& state,
                             const char* data, size_t len) {
  auto parser = getParser(peer);
  auto& request = parser->request;
  Http::Private::State parsed = Http::Private::State::Again;
  try {
    if (!parser->feed(data, len)) {  // cannot happen: maxRequestSize covers head + body limits
      return refuse(peer, state, body_too_large());
    }
    parsed = parser->parse();
  } catch (const std::exception& e) {
    // The head passed scan_request_head: what fails here is a typed header Pistache parses on its
    // own (Host, Date, Accept, Cache-Control, ...).
    app::log::warn("request refused by the HTTP parser").str("error", e.what());
    return refuse(peer, state, bad_request("un champ d'en-tête a une valeur invalide"));
  }
  if (state.body_left > 0) return;  // more of the body to come
  if (parsed != Http::Private::State::Done) {
    return refuse(peer, state, bad_request("requête incomplète ou mal formée"));
  }
  state.in_body = false;
  Http::ResponseWriter response(request.version(), transport(), this, peer);
  request.copyAddress(peer->address());
  peer->setIdle(false);
  try {
    onRequest(request, std::move(response));
  } catch (const std::exception& e) {  // the server's dispatch catches everything: a bug if here
    app::log::error("unexpected error routing a request").str("error", e.what());
    return refuse(peer, state, internal_error());
  }
  parser->reset();
}

void GuardedHandler::refuse(const std::shared_ptr<Pistache::Tcp::Peer>& peer, State& state,
                            const Problem& problem) {
  state.closing = true;
  state.in_body = false;
  std::string().swap(state.pending);
  getParser(peer)->reset();
  // The server answers it in the connection's turn — after the answers of the requests read
  // before it, not at all if one of them closed the connection (wire.hpp, ConnectionWrites) —
  // then half-closes: the client reads the answer, then end of file; whatever it still sends is
  // read and discarded (closing at once could reset the connection before the client has read
  // the answer).
  try {
    reject_(problem, Http::ResponseWriter(Http::Version::Http11, transport(), this, peer));
  } catch (const std::exception& e) {
    app::log::error("could not answer a refused request").str("error", e.what());
    shutdown_write(peer);
  }
}

}  // namespace boutique::http
