#pragma once
// The k8s target: the kustomize overlay rendered with this build's tags (kubectl.hpp), applied to
// the k8s.context cluster, rollouts watched by polling `kubectl get ... -o json` against a
// deadline and failing fast with the cause (cluster.hpp). Status: Deployments, PVCs, endpoints,
// NodePort URLs, then HTTP through them.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "images/engine.hpp"
#include "targets/deployer.hpp"
#include "targets/k8s/cluster.hpp"
#include "targets/k8s/kubectl.hpp"
#include "targets/target.hpp"

namespace boutique::targets::k8s {

// How this build's images reach the cluster: loaded into a local cluster's own image store
// (minikube, kind, k3d; `name` is its profile or cluster name), or pulled from images.registry.
struct ClusterKind {
  enum Tool { minikube, kind, k3d, registry } tool = registry;
  std::string name;
};
// k8s.cluster (auto: by the context's name, as each tool names its contexts), ConfigError when it
// is not one of auto|minikube|kind|k3d|registry.
ClusterKind cluster_kind(const std::string& setting, const std::string& context);

// Whether a kubeconfig context is a local development cluster, by the names the usual tools give
// them: minikube, kind-*, k3d-*, docker-desktop, rancher-desktop, orbstack, colima*, microk8s.
bool local_context(const std::string& context);

// How this machine reaches one NodePort Service: through the node (minikube's address) when its
// NodePort answers, else through `kubectl port-forward` to a loopback port.
struct ServiceRoute {
  std::string service;
  int port = 0, node_port = 0;
  std::string node_url;  // http://<node>:<nodePort>; empty without a node address
  bool node_answers = false;
  bool forwarded = false;  // a forward was started for it
  std::string forward;     // "127.0.0.1:43121 -> 5000", or what kubectl port-forward said instead
  std::string url;         // where it answers from here; empty: nowhere
};

// The routes of the Services, and the forwards they use (stopped when this goes).
class Routes final : public ServiceAccess {
 public:
  std::vector<ServiceRoute> routes;
  std::vector<std::pair<std::string, std::unique_ptr<core::Running>>> forwards;  // service, kubectl
  std::string watch(std::chrono::milliseconds period) override;
};

class K8sTarget final : public Target, public Deployer {
 public:
  explicit K8sTarget(core::Context& ctx);
  std::string name() const override { return "k8s"; }
  UpSummary up(const UpOptions& opts) override;  // deploy with up's timeout (images: `build`)
  void down(const DownOptions& opts) override;
  std::vector<core::Check> status() override;
  void logs(const LogsOptions& opts) override;
  std::vector<core::Check> prerequisites() override;
  std::vector<state::Secret> secrets() const override;

  Deployer* deployer() override { return this; }
  // The database pod's own pg_dump, pg_restore and psql through `kubectl exec` (database.cpp).
  std::unique_ptr<Database> database() override;

  DeployReport deploy(const DeployOptions& opts) override;
  std::string diff(const std::string& overlay) override;
  // label, URL of each NodePort Service that answers at the node's address (minikube: `minikube
  // ip`; other clusters have none the CLI knows).
  std::vector<std::pair<std::string, std::string>> urls() override;
  std::unique_ptr<ServiceAccess> reach() override;
  // Every NodePort Service's route from here; with `forward`, a `kubectl port-forward` for each
  // when one of them does not answer at the node.
  std::unique_ptr<Routes> routes(bool forward);
  // The one `kubectl logs` that `logs` runs (all components, or one; --since, --previous, -f).
  std::vector<std::string> logs_argv(const LogsOptions& opts) const;

 private:
  // This build's images into a local cluster (k8s.cluster), each pinned to its content (tag
  // <tag>-<12 hex of the image ID>): minikube from Docker's store, else (podman, kind, k3d)
  // through a saved archive; the pinned tags, to render with. A registry cluster pulls the
  // build's tag itself: nothing loaded, nothing pinned.
  ImageTags load_images(const std::string& tag);
  // A registry cluster: each image by the digest `build --push` recorded for this build's tag
  // (none recorded: by tag, except a -dirty one, which is refused).
  ImageTags pushed_digests(const std::string& tag);
  void load_archive(images::Engine& engine, const ClusterKind& cluster, const std::string& ref);
  void wait_rollout(const DeployOptions& opts);
  // --atomic after a failed rollout: `rollout undo --to-revision` of every Deployment whose
  // revision is not the one in `before` any more; what was done, one line each.
  std::string undo_rollouts(const std::map<std::string, std::string>& before);
  [[noreturn]] void explain(const Failure& f);
  // What went wrong, with the container's last log lines (or the object's events): the text of
  // deploy's error and of status's row.
  std::string failure_text(const Failure& f);
  std::string failure_hint(const Failure& f) const;
  // The node's address for NodePorts: `minikube -p PROFILE ip` on a minikube cluster; empty on
  // others (kind's and k3d's nodes are containers, a remote cluster's may be unroutable).
  std::string node_host();
  // `kubectl port-forward svc/NAME :PORT` on 127.0.0.1, once it says where it listens.
  void forward_service(Routes& routes, ServiceRoute& route);
  // Asks before touching a context that is not a local cluster (unless --yes): `action` is what
  // would be done ("Deploy to").
  void confirm_context(const std::string& action, bool yes);

  core::Context& ctx_;
  Kubectl kubectl_;
};

}  // namespace boutique::targets::k8s
