#pragma once
// The connection-level guard in front of Pistache's HTTP parser (see http/request_head.hpp for
// why). It replaces Pistache 0.0.5's Http::Handler::onInput: each request head is buffered until
// the head scanner (HeadScanner: each byte checked once, however the head is split) accepts it,
// then Pistache gets exactly that head and the Content-Length bytes of its body, so that
//   - a large or slow head costs one parse, not one per read, and never blocks the reactor;
//   - every refusal — syntax, sizes, deadlines, a header Pistache fails to parse — is a
//     problem+json answer (the Reject callback writes it, after the answers of the requests
//     before it on the connection), after which the connection is closed;
//   - bytes after a request's body are the next request (pipelining), not silently dropped;
//   - "Expect: 100-continue" gets its interim 100 response.
#include <chrono>
#include <functional>
#include <memory>

#include <pistache/http.h>
#include <pistache/peer.h>
#include <pistache/router.h>

#include "http/problem.hpp"

namespace boutique::http {

// A request head must be complete within this time of its first byte, the whole request (body
// included) within kRequestDeadline; checked whenever bytes arrive (Pistache's own timers, set
// longer in Server::start, close connections that stop sending altogether).
inline constexpr std::chrono::seconds kHeadDeadline{10};
inline constexpr std::chrono::seconds kRequestDeadline{30};

// Half-closes the connection (FIN after what was written) if the peer is still connected.
void shutdown_write(const std::weak_ptr<Pistache::Tcp::Peer>& peer);

class GuardedHandler : public Pistache::Rest::Private::RouterHandler {
 public:
  HTTP_PROTOTYPE(GuardedHandler)

  // Answers a refusal, then half-closes the connection. The guard refuses a request as soon as
  // it reads it, while the requests before it on the connection may still be handled (on a
  // worker): the refusal is answered after their answers, in request order (Server::refuse).
  using Reject = std::function<void(const Problem&, Pistache::Http::ResponseWriter)>;

  GuardedHandler(const Pistache::Rest::Router& routes, Reject reject);

 private:
  struct State;

  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  // Scans and hands over what `state` holds; stops at an incomplete head or a refusal.
  void drain(const std::shared_ptr<Pistache::Tcp::Peer>& peer, State& state);
  // Feeds bytes of the current request to Pistache; runs the route when it is complete.
  void deliver(const std::shared_ptr<Pistache::Tcp::Peer>& peer, State& state, const char* data,
               size_t len);
  void refuse(const std::shared_ptr<Pistache::Tcp::Peer>& peer, State& state,
              const Problem& problem);

  Reject reject_;
};

}  // namespace boutique::http
