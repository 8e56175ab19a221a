// How this machine reaches the NodePort Services: at minikube's node address when the NodePort
// answers there, else through `kubectl port-forward` to a loopback port (kind, k3d, remote
// clusters, minikube's network not routable from here) — the API server kubectl already reaches
// carries the traffic. `status`, `urls` and Validation probe through these routes, so an HTTP
// check always runs.
#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/ports.hpp"
#include "targets/k8s/k8s_target.hpp"

using namespace std::chrono_literals;

namespace boutique::targets::k8s {
namespace {

// How long kubectl port-forward may take to say where it listens: finding the Service's pod
// (at most --pod-running-timeout) and dialing the API server.
constexpr auto kForwardReady = 20s;
// A NodePort that does not accept a connection within this is not reachable from here.
constexpr auto kNodePortConnect = 1500ms;

}  // namespace

std::string Routes::watch(std::chrono::milliseconds period) {
  // Signed arithmetic: dividing by a size_t would make the durations unsigned, and a slice already
  // over would then leave a huge time, not a negative one (the read would block on a silent
  // forward instead of moving to the next).
  const auto slice = period / std::max<std::int64_t>(1, static_cast<std::int64_t>(forwards.size()));
  for (auto& [service, kubectl] : forwards) {
    // "Handling connection for 5000" per connection: read, or kubectl blocks on a full pipe.
    const auto until = std::chrono::steady_clock::now() + slice;
    while (true) {  // until the slice is over, or it ended and all it said is read
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !kubectl->read_line(left)) break;
    }
    if (!kubectl->running()) {
      // It ended: what it said last may still be unread when the slice ran out first (a loaded
      // machine), and that last line is the reason to show.
      while (kubectl->read_line(100ms)) {
      }
      return fmt::format("kubectl port-forward for svc/{} ended: {}", service,
                         core::tail_lines(kubectl->transcript(), 1));
    }
  }
  return {};
}

std::string K8sTarget::node_host() {
  const ClusterKind cluster = cluster_kind(ctx_.config.str("k8s.cluster"), kubectl_.context());
  if (cluster.tool != ClusterKind::minikube) return {};
  std::vector<std::string> argv = {"minikube", "-p", cluster.name, "ip"};
  try {
    auto r = ctx_.runner->run({argv, {}, {}, 20s, {}});
    return r.ok() ? core::tail_lines(r.out, 1) : std::string();
  } catch (const core::ProgramNotFound&) {
    return {};
  }
}

std::unique_ptr<ServiceAccess> K8sTarget::reach() {
  kubectl_.require_reachable();
  return routes(true);
}

std::unique_ptr<Routes> K8sTarget::routes(bool forward) {
  auto out = std::make_unique<Routes>();
  const std::string host = node_host();
  bool all_answer = true;
  for (const auto& s : parse_services(kubectl_.get_json("services")))
    for (const auto& p : s.ports) {
      if (p.node_port <= 0) continue;
      ServiceRoute r{s.name, p.port, p.node_port, {}, false, false, {}, {}};
      if (!host.empty()) {
        r.node_url = fmt::format("http://{}:{}", host, p.node_port);
        r.node_answers = core::port_accepts(host, p.node_port, kNodePortConnect);
        if (r.node_answers) r.url = r.node_url;
      }
      all_answer = all_answer && r.node_answers;
      out->routes.push_back(std::move(r));
    }
  // One way for all of them: a UI reached through a forward must find its API the same way.
  if (!all_answer && forward)
    for (auto& r : out->routes) forward_service(*out, r);
  for (const auto& r : out->routes)
    if (!r.url.empty()) out->urls.push_back({r.service, r.url});
  out->forwarded = !out->forwards.empty();
  return out;
}

void K8sTarget::forward_service(Routes& routes, ServiceRoute& route) {
  route.forwarded = true;
  route.url.clear();
  auto kubectl = kubectl_.start({"port-forward", "-n", kubectl_.ns(), "svc/" + route.service,
                                 fmt::format(":{}", route.port), "--address", "127.0.0.1",
                                 "--pod-running-timeout=15s"});
  const auto deadline = std::chrono::steady_clock::now() + kForwardReady;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const auto line = left.count() > 0 ? kubectl->read_line(left) : std::nullopt;
    if (!line) {  // ended, or silent past the deadline: the last thing it said
      const std::string said = core::tail_lines(kubectl->transcript(), 1);
      route.forward = said.empty() ? fmt::format("no answer from kubectl port-forward in {} s",
                                                 kForwardReady.count())
                                   : said;
      return;
    }
    if (const auto port = forwarded_port(*line)) {
      route.forward = line->substr(line->find("127.0.0.1"));
      route.url = fmt::format("http://127.0.0.1:{}", *port);
      routes.forwards.emplace_back(route.service, std::move(kubectl));
      return;
    }
  }
}

std::vector<std::pair<std::string, std::string>> K8sTarget::urls() {
  kubectl_.require_reachable();
  return routes(false)->urls;
}

}  // namespace boutique::targets::k8s
