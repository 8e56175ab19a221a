#include "http/pistache/guarded_handler.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <pistache/peer.h>
#include <pistache/transport.h>

#include "app/log.hpp"
#include "http/request_head.hpp"

namespace boutique::http {

using Clock = std::chrono::steady_clock;

// Per connection, kept in the Pistache peer (peer->putData).
struct GuardedHandler::State {
  std::string pending;  // received and not handed over yet: a head, or what follows a body
  // The current request, while its body arrives: body_left more bytes belong to it.
  std::optional<IncomingRequest> request;
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

GuardedHandler::GuardedHandler(Route route, Reject reject)
    : route_(std::move(route)), reject_(std::move(reject)) {}

void GuardedHandler::onInput(const char* buffer, size_t len, const PeerPtr& peer) {
  auto data = peer->tryGetData(kStateKey);
  if (!data) {
    data = std::make_shared<State>();
    peer->putData(kStateKey, data);
  }
  auto& state = *std::static_pointer_cast<State>(data);
  if (state.closing) return;
  const auto now = Clock::now();
  if (state.request) {
    if (now - state.started > kRequestDeadline) return refuse(peer, state, timeout_problem(false));
    const auto n = static_cast<size_t>(std::min<std::uint64_t>(len, state.body_left));
    state.body_left -= n;
    state.request->append_body(std::string_view(buffer, n));
    buffer += n;
    len -= n;
    if (state.body_left > 0) return;
    complete(peer, state);
    if (state.closing || len == 0) return;
  }
  if (state.pending.empty()) state.started = now;
  state.pending.append(buffer, len);
  drain(peer, state);
}

void GuardedHandler::drain(const PeerPtr& peer, State& state) {
  while (!state.closing && !state.request && !state.pending.empty()) {
    auto scan = state.scanner.scan(state.pending);
    if (std::holds_alternative<NeedMore>(scan)) {
      if (Clock::now() - state.started > kHeadDeadline) refuse(peer, state, timeout_problem(true));
      return;
    }
    if (const auto* problem = std::get_if<Problem>(&scan)) return refuse(peer, state, *problem);

    auto& head = std::get<AcceptedHead>(scan);
    const auto body_here =
        std::min<std::uint64_t>(state.pending.size() - head.length, head.content_length);
    if (head.expect_continue && body_here < head.content_length) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      transport()
          ->asyncWrite(peer->fd(), Pistache::RawBuffer(kContinue, kContinue.size()))
          .then([](ssize_t) {}, [](std::exception_ptr) {});
    }
    const auto head_length = head.length;
    state.body_left = head.content_length - body_here;
    state.request.emplace(state.pending.substr(0, head_length), std::move(head));
    state.request->append_body(
        std::string_view(state.pending).substr(head_length, static_cast<size_t>(body_here)));
    state.pending.erase(0, head_length + static_cast<size_t>(body_here));
    state.scanner.reset();
    if (state.body_left > 0) return;  // the rest of the body is still to come
    complete(peer, state);
    if (!state.pending.empty()) state.started = Clock::now();
  }
}

void GuardedHandler::complete(const PeerPtr& peer, State& state) {
  IncomingRequest request = std::move(*state.request);
  state.request.reset();
  peer->setIdle(false);
  try {
    route_(std::move(request), peer);
  } catch (const std::exception& e) {  // the server's dispatch catches everything: a bug if here
    app::log::error("unexpected error routing a request").str("error", e.what());
    return refuse(peer, state, internal_error());
  }
  // Pistache's timers measure a connection's idle time from its parser's last reset.
  getParser(peer)->reset();
}

void GuardedHandler::refuse(const PeerPtr& peer, State& state, const Problem& problem) {
  state.closing = true;
  state.request.reset();
  std::string().swap(state.pending);
  // The server answers it in the connection's turn — after the answers of the requests read
  // before it, not at all if one of them closed the connection (wire.hpp, ConnectionWrites) —
  // then half-closes: the client reads the answer, then end of file; whatever it still sends is
  // read and discarded (closing at once could reset the connection before the client has read
  // the answer).
  try {
    reject_(problem, peer);
  } catch (const std::exception& e) {
    app::log::error("could not answer a refused request").str("error", e.what());
    shutdown_write(peer);
  }
}

}  // namespace boutique::http
