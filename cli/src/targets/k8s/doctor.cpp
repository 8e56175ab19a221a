// `boutique doctor` on the k8s target: kubectl, the tool that loads images into the current
// context's cluster (minikube, kind or k3d; none for a registry cluster), the container engine
// `up --target k8s` builds with, the configured context and its cluster.
#include <fmt/format.h>

#include "images/engine.hpp"
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
  const std::string want = ctx.config.str("k8s.context");
  const ClusterKind cluster = cluster_kind(ctx.config.str("k8s.cluster"), want);
  if (cluster.tool == ClusterKind::minikube)
    out.push_back(tool(ctx, "minikube", {"minikube", "version", "--short"}, "install minikube"));
  else if (cluster.tool == ClusterKind::kind)
    out.push_back(tool(ctx, "kind", {"kind", "version"}, "install kind (kind.sigs.k8s.io)"));
  else if (cluster.tool == ClusterKind::k3d)
    out.push_back(tool(ctx, "k3d", {"k3d", "version"}, "install k3d (k3d.io)"));
  try {
    const auto engine = images::choose_engine(*ctx.runner, ctx.config.str("images.engine"),
                                              ctx.config.value("images.engine").origin);
    out.push_back({"engine", images::to_string(engine.kind), true,
                   "builds the images `up --target k8s` deploys: " + engine.why, ""});
  } catch (const core::Error& e) {
    out.push_back({"engine", "container engine", false, e.what(), e.hint()});
  }
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
