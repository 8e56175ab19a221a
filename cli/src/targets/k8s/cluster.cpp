#include "targets/k8s/cluster.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace boutique::targets::k8s {
namespace {

using nlohmann::json;

json items(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("items") || !j["items"].is_array())
    throw core::CommandFailed("kubectl printed something that is not a JSON list: " +
                              text.substr(0, 200));
  return j["items"];
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
// A number member; a float is truncated and anything out of range saturates. get<long>() of a
// float past LONG_MAX (kubectl would never print one) was undefined behaviour (found by
// tests/fuzz, cli_kubectl).
long num(const json& j, const char* key, long def = 0) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return def;
  if (it->is_number_unsigned())
    return it->get<std::uint64_t>() > static_cast<std::uint64_t>(LONG_MAX) ? LONG_MAX
                                                                           : it->get<long>();
  if (it->is_number_integer()) return it->get<long>();
  const double d = it->get<double>();
  if (!std::isfinite(d)) return def;
  if (d >= 0x1p63) return LONG_MAX;
  if (d <= -0x1p63) return LONG_MIN;
  return static_cast<long>(d);
}
// Counts (replicas, restartCount, nodePort, exitCode...) are int32 in the Kubernetes API.
int count(const json& j, const char* key, int def = 0) {
  return static_cast<int>(std::clamp(num(j, key, def), long{INT_MIN}, long{INT_MAX}));
}
std::map<std::string, std::string> labels(const json& j) {
  std::map<std::string, std::string> out;
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}
const json& at(const json& j, const char* key) {
  static const json empty = json::object();
  auto it = j.find(key);
  return it != j.end() ? *it : empty;
}

// The message of the status condition `type` that is False for `reason`, when there is one.
std::optional<std::string> false_condition(const json& status, const char* type,
                                           const char* reason) {
  for (const auto& c : at(status, "conditions"))
    if (str(c, "type") == type && str(c, "status") == "False" && str(c, "reason") == reason)
      return str(c, "message");
  return std::nullopt;
}

struct Class {
  core::ExitCode code;
  bool logs;
};
// The waiting reasons that do not go away by waiting.
std::optional<Class> fatal_waiting(const std::string& reason) {
  using core::ExitCode;
  if (reason == "CrashLoopBackOff" || reason == "CreateContainerError" ||
      reason == "RunContainerError")
    return Class{ExitCode::command_failed, true};
  if (reason == "ErrImagePull" || reason == "ImagePullBackOff" || reason == "ErrImageNeverPull" ||
      reason == "InvalidImageName")
    return Class{ExitCode::missing_prereq, false};
  if (reason == "CreateContainerConfigError") return Class{ExitCode::usage, false};
  return std::nullopt;
}

}  // namespace

bool Deployment::complete() const {
  return generation <= observed && updated == desired && available == desired &&
         replicas <= updated;
}

int Pod::restarts() const {
  long long n = 0;  // each is an int: a sum of ints overflowed (found by tests/fuzz, cli_kubectl)
  for (const auto& c : containers) n += c.restarts;
  return static_cast<int>(std::clamp<long long>(n, INT_MIN, INT_MAX));
}

std::vector<Deployment> parse_deployments(const std::string& text) {
  std::vector<Deployment> out;
  for (const auto& it : items(text)) {
    Deployment d;
    const auto& meta = at(it, "metadata");
    const auto& spec = at(it, "spec");
    const auto& st = at(it, "status");
    d.name = str(meta, "name");
    d.generation = num(meta, "generation");
    d.revision = str(at(meta, "annotations"), "deployment.kubernetes.io/revision");
    d.selector = labels(at(at(spec, "selector"), "matchLabels"));
    d.desired = count(spec, "replicas", 1);
    d.observed = num(st, "observedGeneration");
    d.updated = count(st, "updatedReplicas");
    d.ready = count(st, "readyReplicas");
    d.available = count(st, "availableReplicas");
    d.replicas = count(st, "replicas");
    if (auto m = false_condition(st, "Progressing", "ProgressDeadlineExceeded")) {
      d.deadline_exceeded = true;
      d.progress_message = *m;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Pod> parse_pods(const std::string& text) {
  std::vector<Pod> out;
  for (const auto& it : items(text)) {
    Pod p;
    const auto& st = at(it, "status");
    p.name = str(at(it, "metadata"), "name");
    p.labels = labels(at(at(it, "metadata"), "labels"));
    p.terminating = !at(at(it, "metadata"), "deletionTimestamp").empty();
    p.phase = str(st, "phase");
    if (auto m = false_condition(st, "PodScheduled", "Unschedulable")) {
      p.unschedulable = true;
      p.schedule_message = *m;
    }
    for (const auto& c : at(st, "containerStatuses")) {
      ContainerStatus cs;
      cs.name = str(c, "name");
      cs.ready = at(c, "ready").is_boolean() && c["ready"].get<bool>();
      cs.restarts = count(c, "restartCount");
      const auto& waiting = at(at(c, "state"), "waiting");
      cs.waiting_reason = str(waiting, "reason");
      cs.waiting_message = str(waiting, "message");
      const auto& last = at(at(c, "lastState"), "terminated");
      cs.crashed_before = !last.empty();
      cs.last_exit_code = count(last, "exitCode");
      p.containers.push_back(std::move(cs));
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<ReplicaSet> parse_replicasets(const std::string& text) {
  std::vector<ReplicaSet> out;
  for (const auto& it : items(text)) {
    const auto& meta = at(it, "metadata");
    ReplicaSet r;
    r.name = str(meta, "name");
    for (const auto& o : at(meta, "ownerReferences"))
      if (str(o, "kind") == "Deployment") r.owner = str(o, "name");
    r.revision = str(at(meta, "annotations"), "deployment.kubernetes.io/revision");
    r.template_hash = str(at(meta, "labels"), "pod-template-hash");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Pvc> parse_pvcs(const std::string& text) {
  std::vector<Pvc> out;
  for (const auto& it : items(text))
    out.push_back({str(at(it, "metadata"), "name"), str(at(it, "status"), "phase")});
  return out;
}

std::vector<Service> parse_services(const std::string& text) {
  std::vector<Service> out;
  for (const auto& it : items(text)) {
    Service s{str(at(it, "metadata"), "name"), str(at(it, "spec"), "type"), {}};
    for (const auto& p : at(at(it, "spec"), "ports"))
      s.ports.push_back({str(p, "name"), count(p, "port"), count(p, "nodePort")});
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Endpoints> parse_endpoints(const std::string& text) {
  std::vector<Endpoints> out;
  for (const auto& it : items(text)) {
    Endpoints e{str(at(it, "metadata"), "name"), 0, 0};
    for (const auto& s : at(it, "subsets")) {
      e.ready += static_cast<int>(at(s, "addresses").size());
      e.not_ready += static_cast<int>(at(s, "notReadyAddresses").size());
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<int> forwarded_port(std::string_view line) {
  constexpr std::string_view prefix = "Forwarding from 127.0.0.1:";
  if (!line.starts_with(prefix)) return std::nullopt;
  line.remove_prefix(prefix.size());
  int port = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), port);
  if (ec != std::errc() || port <= 0 || port > 65535) return std::nullopt;
  if (!std::string_view(end, line.data() + line.size()).starts_with(" -> ")) return std::nullopt;
  return port;
}

std::vector<Event> parse_events(const std::string& text) {
  std::vector<Event> out;
  for (const auto& it : items(text)) {
    const auto& obj = at(it, "involvedObject");
    out.push_back({str(it, "type"), str(it, "reason"), str(it, "message"), str(obj, "kind"),
                   str(obj, "name"), count(it, "count", 1)});
  }
  return out;
}

std::string server_version(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  return str(at(j, "serverVersion"), "gitVersion");
}

std::vector<const Pod*> pods_of(const Deployment& d, const std::vector<Pod>& pods) {
  std::vector<const Pod*> out;
  for (const auto& p : pods) {
    bool match = !d.selector.empty();
    for (const auto& [k, v] : d.selector) {
      auto it = p.labels.find(k);
      if (it == p.labels.end() || it->second != v) match = false;
    }
    if (match) out.push_back(&p);
  }
  return out;
}

std::vector<Pod> current_pods(const std::vector<Deployment>& deployments,
                              const std::vector<ReplicaSet>& replicasets,
                              const std::vector<Pod>& pods) {
  std::vector<Pod> out;
  for (const auto& d : deployments) {
    if (d.observed < d.generation) continue;  // the controller has not acted on the new spec yet
    std::string hash;
    for (const auto& r : replicasets)
      if (r.owner == d.name && !d.revision.empty() && r.revision == d.revision)
        hash = r.template_hash;
    if (hash.empty()) continue;  // its ReplicaSet is not there yet: nothing to judge
    for (const Pod* p : pods_of(d, pods)) {
      const auto h = p->labels.find("pod-template-hash");
      if (!p->terminating && h != p->labels.end() && h->second == hash) out.push_back(*p);
    }
  }
  return out;
}

std::optional<Failure> diagnose(const std::vector<Deployment>& deployments,
                                const std::vector<Pod>& pods, const std::vector<Pvc>& pvcs,
                                bool grace_over) {
  for (const auto& p : pods)
    for (const auto& c : p.containers)
      if (auto cls = fatal_waiting(c.waiting_reason)) {
        Failure f{"Pod",     p.name,    c.name,          c.waiting_reason, c.waiting_message,
                  cls->code, cls->logs, c.crashed_before};
        if (c.waiting_reason == "CrashLoopBackOff" && c.crashed_before)
          f.message =
              fmt::format("restarted {} times, last exit code {}", c.restarts, c.last_exit_code);
        return f;
      }
  if (grace_over) {
    for (const auto& v : pvcs)
      if (v.phase != "Bound")
        return Failure{"PersistentVolumeClaim",
                       v.name,
                       "",
                       v.phase.empty() ? "Pending" : v.phase,
                       "the claim is not bound to a volume (no StorageClass or PersistentVolume?)",
                       core::ExitCode::missing_prereq,
                       false,
                       false};
    for (const auto& p : pods)
      if (p.unschedulable)
        return Failure{
            "Pod", p.name, "", "Unschedulable", p.schedule_message, core::ExitCode::missing_prereq,
            false, false};
  }
  for (const auto& d : deployments)
    if (d.deadline_exceeded) {
      Failure f{"Deployment",
                d.name,
                "",
                "ProgressDeadlineExceeded",
                d.progress_message,
                core::ExitCode::timeout,
                false,
                false};
      for (const Pod* p : pods_of(d, pods))
        for (const auto& c : p->containers)
          if (!c.ready && f.container.empty()) {
            f.kind = "Pod";
            f.name = p->name;
            f.container = c.name;
            f.message = fmt::format("deployment {}: {}", d.name, d.progress_message);
          }
      return f;
    }
  return std::nullopt;
}

std::vector<std::string> pending_summary(const std::vector<Deployment>& deployments,
                                         const std::vector<Pod>& pods) {
  std::vector<std::string> out;
  for (const auto& d : deployments) {
    if (d.complete()) continue;
    std::vector<std::string> why;
    for (const Pod* p : pods_of(d, pods)) {
      std::string r = p->unschedulable ? "Unschedulable" : p->phase;
      for (const auto& c : p->containers)
        if (!c.waiting_reason.empty())
          r = c.waiting_reason;
        else if (!c.ready && r == "Running")
          r = "not ready";
      why.push_back(p->name + ": " + r);
    }
    out.push_back(fmt::format("{} {}/{} ready ({})", d.name, d.available, d.desired,
                              why.empty() ? "no pods" : fmt::format("{}", fmt::join(why, ", "))));
  }
  return out;
}

}  // namespace boutique::targets::k8s
