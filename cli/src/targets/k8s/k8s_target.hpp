#pragma once
// The k8s target: the kustomize overlay rendered with this build's tags (kubectl.hpp), applied to
// the k8s.context cluster, rollouts watched by polling `kubectl get ... -o json` against a
// deadline and failing fast with the cause (cluster.hpp). Status: Deployments, PVCs, endpoints,
// NodePort URLs, then HTTP through them.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "targets/k8s/cluster.hpp"
#include "targets/k8s/kubectl.hpp"
#include "targets/target.hpp"

namespace boutique::targets::k8s {

struct DeployOptions {
  std::string overlay;  // --overlay; empty: k8s.overlay
  bool dry_run = false;
  std::chrono::seconds timeout{300};
  std::chrono::seconds grace{30};  // before Unschedulable / a Pending PVC count as failures
  std::chrono::milliseconds poll{2000};
  bool load_images = true;  // minikube: `minikube image load` the images of this build
  // The clock of the rollout wait (tests replace both).
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct DeployReport {
  std::string tag, server;
  std::vector<std::string> objects;  // kind/name applied (or that would be)
  std::string applied;               // kubectl apply's output
  std::string yaml;                  // --dry-run: what would be applied
};

class K8sTarget final : public Target {
 public:
  explicit K8sTarget(core::Context& ctx);
  std::string name() const override { return "k8s"; }
  UpSummary up(const UpOptions& opts) override;  // build, then deploy
  void down(const DownOptions& opts) override;
  std::vector<core::Check> status() override;
  void logs(const LogsOptions& opts) override;
  std::vector<core::Check> prerequisites() override;
  std::vector<state::Secret> secrets() const override;

  DeployReport deploy(const DeployOptions& opts);
  // label, URL of each NodePort Service (minikube: `minikube ip`).
  std::vector<std::pair<std::string, std::string>> urls();

 private:
  void load_images(const std::string& tag);
  void wait_rollout(const DeployOptions& opts);
  [[noreturn]] void explain(const Failure& f);
  std::string node_host();

  core::Context& ctx_;
  Kubectl kubectl_;
};

}  // namespace boutique::targets::k8s
