#pragma once
// What `kubectl get ... -o json` says about the Boutique objects, as plain structs, and the verdict
// on a rollout: done, still going, or failed for a reason the user can act on. Pure functions over
// kubectl's JSON (fields as listed in manifests/tests/fixtures/kubectl/README.md): unit-tested with
// the recorded outputs, no cluster.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"

namespace boutique::targets::k8s {

struct Deployment {
  std::string name;
  std::map<std::string, std::string> selector;  // spec.selector.matchLabels
  int desired = 1, updated = 0, ready = 0, available = 0, replicas = 0;
  long generation = 0, observed = 0;
  std::string revision;            // metadata.annotations["deployment.kubernetes.io/revision"]
  bool deadline_exceeded = false;  // Progressing=False, ProgressDeadlineExceeded
  std::string progress_message;
  bool complete() const;  // what `kubectl rollout status` waits for
};

struct ContainerStatus {
  std::string name;
  bool ready = false;
  int restarts = 0;
  std::string waiting_reason, waiting_message;
  bool crashed_before = false;  // lastState.terminated present: `logs --previous` has its output
  int last_exit_code = 0;
};

struct Pod {
  std::string name, phase;
  std::map<std::string, std::string> labels;  // pod-template-hash: its ReplicaSet's template
  bool terminating = false;                   // metadata.deletionTimestamp set
  std::vector<ContainerStatus> containers;
  bool unschedulable = false;
  std::string schedule_message;
  int restarts() const;
};

// A Deployment's ReplicaSet: one per revision of its pod template.
struct ReplicaSet {
  std::string name, owner;  // owner: the Deployment (controller ownerReference)
  std::string revision, template_hash;
};

struct Pvc {
  std::string name, phase;
};

struct ServicePort {
  std::string name;
  int port = 0, node_port = 0;
};
struct Service {
  std::string name, type;
  std::vector<ServicePort> ports;
};

struct Endpoints {
  std::string name;
  int ready = 0, not_ready = 0;
};

struct Event {
  std::string type, reason, message, kind, object;
  int count = 1;
};

// Each throws CommandFailed when the text is not kubectl's List JSON.
std::vector<Deployment> parse_deployments(const std::string& json);
std::vector<Pod> parse_pods(const std::string& json);
std::vector<ReplicaSet> parse_replicasets(const std::string& json);
std::vector<Pvc> parse_pvcs(const std::string& json);
std::vector<Service> parse_services(const std::string& json);
std::vector<Endpoints> parse_endpoints(const std::string& json);
// kubectl port-forward's "Forwarding from 127.0.0.1:43121 -> 5000": the local port (43121);
// nullopt for any other line.
std::optional<int> forwarded_port(std::string_view line);
std::vector<Event> parse_events(const std::string& json);
// `kubectl version -o json`: the server's gitVersion, empty when only the client answered.
std::string server_version(const std::string& json);

// The pods a Deployment selects.
std::vector<const Pod*> pods_of(const Deployment& d, const std::vector<Pod>& pods);

// The pods each Deployment's rollout is made of now: those of its current ReplicaSet (the one of
// its revision), not terminating. Pods of an older revision, which the rollout is replacing, are
// left out — a fix-forward after a CrashLoopBackOff must not fail on the crashed pods it replaces —
// and so is every pod of a Deployment whose controller has not yet seen its latest spec
// (observedGeneration < generation: its revision and ReplicaSet are still the old ones).
std::vector<Pod> current_pods(const std::vector<Deployment>& deployments,
                              const std::vector<ReplicaSet>& replicasets,
                              const std::vector<Pod>& pods);

// A rollout that cannot succeed without the user: what, where, and its exit code class.
struct Failure {
  std::string kind, name;  // the object to blame: Pod, PersistentVolumeClaim, Deployment
  std::string container;   // for a pod: the container to read logs from
  std::string reason, message;
  core::ExitCode code = core::ExitCode::command_failed;
  bool logs = false, previous = false;  // read `kubectl logs [--previous]` (else events only)
};

// Fails at once on CrashLoopBackOff, image pull errors, CreateContainerConfigError and a
// Deployment past its progressDeadlineSeconds; on Unschedulable and a Pending PVC only once
// `grace_over` (the scheduler and the PV controller retry for a while).
std::optional<Failure> diagnose(const std::vector<Deployment>& deployments,
                                const std::vector<Pod>& pods, const std::vector<Pvc>& pvcs,
                                bool grace_over);

// "backend 0/2 ready (backend-x: CrashLoopBackOff)" for each incomplete Deployment.
std::vector<std::string> pending_summary(const std::vector<Deployment>& deployments,
                                         const std::vector<Pod>& pods);

}  // namespace boutique::targets::k8s
