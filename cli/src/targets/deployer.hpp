#pragma once
// The deploy capability of a target that runs on a cluster (k8s): apply this build's manifests and
// wait for the rollouts, and say where the Services answer. `boutique deploy`, `boutique urls`, the
// pipeline's Deploy stage and `boutique up` reach it through Target::deployer(), never by name.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace boutique::targets {

struct DeployOptions {
  std::string overlay;  // --overlay; empty: k8s.overlay
  bool dry_run = false;
  std::chrono::seconds timeout{300};
  std::chrono::seconds grace{30};  // before Unschedulable / a Pending PVC count as failures
  std::chrono::milliseconds poll{2000};
  bool load_images = true;  // minikube: `minikube image load` the images of this build
  bool atomic = false;      // a failed rollout: `rollout undo` to the revisions before
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

// Where the Services answer from this machine. Forwarded URLs (kubectl port-forward) answer only
// while this object lives.
class ServiceAccess {
 public:
  virtual ~ServiceAccess() = default;
  std::vector<std::pair<std::string, std::string>> urls;  // label, URL
  bool forwarded = false;  // through forwards that close with this object
  // Keeps the forwards serving for `period` (their output read and dropped); empty while every
  // forward runs, else what the first one that ended said.
  virtual std::string watch(std::chrono::milliseconds period) = 0;
};

class Deployer {
 public:
  virtual ~Deployer() = default;
  virtual DeployReport deploy(const DeployOptions& opts) = 0;
  // What deploy would change in the cluster, as a unified diff (empty: nothing).
  virtual std::string diff(const std::string& overlay) = 0;
  // label, URL of each Service whose NodePort answers from this machine (none: reach()).
  virtual std::vector<std::pair<std::string, std::string>> urls() = 0;
  // The Services from this machine: their NodePorts when they answer, else forwarded to loopback
  // ports (kubectl port-forward) for as long as the returned object lives.
  virtual std::unique_ptr<ServiceAccess> reach() = 0;
};

}  // namespace boutique::targets
