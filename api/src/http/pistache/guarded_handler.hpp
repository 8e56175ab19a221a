#pragma once
// The server's HTTP/1.1 reader, on Pistache 0.0.5's TCP layer (its listener, reactor threads,
// connections, write queue and timers). It replaces Pistache's Http::Handler::onInput and does not
// use Pistache's request parser or router: each request head is buffered until the head scanner
// (HeadScanner: each byte checked once, however the head is split) accepts it and says where its
// parts lie; the request (http/incoming_request.hpp) is built from those bytes and the
// Content-Length bytes of its body, then handed to the server. So
//   - a large or slow head costs one scan, not one parse per read, and never blocks the reactor;
//   - every refusal — syntax, sizes, deadlines — is a problem+json answer (the Reject callback
//     writes it, after the answers of the requests before it on the connection), after which the
//     connection is closed;
//   - bytes after a request's body are the next request (pipelining), not silently dropped;
//   - "Expect: 100-continue" gets its interim 100 response.
// Pistache's parser still lives in each connection, unfed: its clock (reset after each request)
// is what Pistache's timers read to close idle connections.
#include <chrono>
#include <functional>
#include <memory>

#include <pistache/http.h>
#include <pistache/peer.h>

#include "http/incoming_request.hpp"
#include "http/problem.hpp"

namespace boutique::http {

// A request head must be complete within this time of its first byte, the whole request (body
// included) within kRequestDeadline; checked whenever bytes arrive (Pistache's own timers, set
// longer in Server::start, close connections that stop sending altogether).
inline constexpr std::chrono::seconds kHeadDeadline{10};
inline constexpr std::chrono::seconds kRequestDeadline{30};

using PeerPtr = std::shared_ptr<Pistache::Tcp::Peer>;

// Half-closes the connection (FIN after what was written) if the peer is still connected.
void shutdown_write(const std::weak_ptr<Pistache::Tcp::Peer>& peer);

class GuardedHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(GuardedHandler)

  // Handles a complete request, on the connection's reactor thread.
  using Route = std::function<void(IncomingRequest&&, const PeerPtr&)>;
  // Answers a refusal, then half-closes the connection. The guard refuses a request as soon as
  // it reads it, while the requests before it on the connection may still be handled (on a
  // worker): the refusal is answered after their answers, in request order (Server::refuse).
  using Reject = std::function<void(const Problem&, const PeerPtr&)>;

  GuardedHandler(Route route, Reject reject);

  // Pistache's parser is never fed (see above), so it never completes a request: never called.
  void onRequest(const Pistache::Http::Request&, Pistache::Http::ResponseWriter) override {}

 private:
  struct State;

  void onInput(const char* buffer, size_t len, const PeerPtr& peer) override;

  // Scans and hands over what `state` holds; stops at an incomplete request or a refusal.
  void drain(const PeerPtr& peer, State& state);
  // The current request is complete: to the server.
  void complete(const PeerPtr& peer, State& state);
  void refuse(const PeerPtr& peer, State& state, const Problem& problem);

  Route route_;
  Reject reject_;
};

}  // namespace boutique::http
