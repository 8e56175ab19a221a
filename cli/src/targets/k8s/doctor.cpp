// `boutique doctor` on the k8s target: kubectl, minikube, the configured context and its cluster.
#include <fmt/format.h>

#include "targets/k8s/k8s_target.hpp"
#include "targets/tool_check.hpp"

using namespace std::chrono_literals;

namespace boutique::targets::k8s {

std::vector<core::Check> K8sTarget::prerequisites() {
  auto& ctx = ctx_;
  std::vector<core::Check> out;
  core::Check kubectl = tool(ctx, "kubectl", {"kubectl", "version", "--client"},
                             "install kubectl (Kubernetes release packages)");
  out.push_back(kubectl);
  out.push_back(tool(ctx, "minikube", {"minikube", "version", "--short"}, "install minikube"));
  const std::string want = ctx.config.str("k8s.context");
  if (!kubectl.ok) {
    out.push_back(
        {"kubectl", "context " + want, false, "kubectl missing", "install kubectl first"});
    return out;
  }
  auto r = ctx.runner->run({{"kubectl", "config", "get-contexts", "-o", "name"}, {}, {}, 10s, {}});
  bool has = ("\n" + r.out).find("\n" + want + "\n") != std::string::npos;
  out.push_back({"kubectl", "context " + want, has, has ? "configured" : "no such context",
                 "minikube start (creates the 'minikube' context), or set k8s.context"});
  if (!has) return out;
  auto v = ctx.runner->run(
      {{"kubectl", "--context", want, "version", "--request-timeout=5s"}, {}, {}, 15s, {}});
  out.push_back({"kubectl", "cluster reachable", v.ok(),
                 v.ok() ? "API server answered" : core::tail_lines(v.err, 1),
                 "start the cluster (minikube start) and check `kubectl cluster-info`"});
  return out;
}

}  // namespace boutique::targets::k8s
