#pragma once
// A Kubernetes cluster that keeps its state across kubectl calls, at the ProcessRunner seam, for
// what replayed recordings cannot show: a redeploy, a rollout, an undo, another namespace. It
// models what the k8s target reads and changes:
// - `apply -f -`: the objects per namespace (a missing namespace fails as the API server does);
//   a Deployment's generation moves only when its spec changes;
// - the deployment controller, one step per `get deployments` (each poll of a rollout): the
//   ReplicaSet of the pod template's hash (a new one, with the next revision, only when the
//   template changed; an old one back on top at an undo), its pods ContainerCreating, then running
//   and ready — or in CrashLoopBackOff for an image told to crash — and, once the new pods are
//   ready, the old ReplicaSet's pods terminating, then gone; Deployment status as the controller
//   writes it;
// - `rollout undo --to-revision`, `logs [--previous]`, `get` of deployments, replicasets, pods,
//   pvc, services, endpoints, events, `version`.
// Every object is a recording of manifests/tests/fixtures/kubectl (real kubectl 1.32 output) with
// the fields the state decides rewritten, so the JSON has kubectl's shape; lists are kubectl's List
// envelope, keys sorted, 4-space indented. Other programs: git and kustomize real, the rest
// scripted by the test (podman, minikube).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "core/process.hpp"
#include "fake_runner.hpp"
#include "kubectl_fixtures.hpp"

namespace boutique::fake {

class FakeCluster final : public ForegroundOnly {
 public:
  using json = nlohmann::json;
  enum class Start { ready, crash };

  FakeCluster() {
    auto items = [](const std::string& scenario, const std::string& resource) {
      auto r =
          ScriptedKubectl::recording(scenario, {"get", resource, "-n", "boutique", "-o", "json"});
      return json::parse(r.out)["items"];
    };
    for (const auto& d : items("healthy", "deployments"))
      deployment_tpl_[d["metadata"]["name"]] = d;
    for (const auto& p : items("healthy", "pods")) pod_tpl_[owner_of(p)] = p;
    for (const auto& p : items("crashloop", "pods"))
      if (owner_of(p) == "backend") crash_status_ = p["status"];
    for (const auto& p : items("fix-forward", "pods"))
      if (p["status"]["phase"] == "Pending") creating_status_ = p["status"];
    replicaset_tpl_ = items("healthy", "replicasets")[0];
    for (const auto& s : items("healthy", "services")) service_tpl_[s["metadata"]["name"]] = s;
    for (const auto& e : items("healthy", "endpoints")) endpoints_tpl_ = e;
    pvc_tpl_ = items("healthy", "pvc")[0];
    version_ =
        ScriptedKubectl::recording("healthy", {"version", "-o", "json", "--request-timeout=5s"});
    const auto index = json::parse(read_fixture(kubectl_fixtures_dir() / "index.json"));
    for (const auto& c : index["commands"])
      if (c["scenario"] == "crashloop" && c["argv"][0] == "logs" && c["stdout"].is_string())
        (c["argv"].back() == "--previous" ? crash_log_ : log_) =
            read_fixture(kubectl_fixtures_dir() / c["stdout"].get<std::string>());
  }

  // Pods whose container runs `image` (exactly, or name@digest) start this way (default: ready).
  void image_starts(const std::string& image, Start s) { behaviour_[image] = s; }
  // Answers for a non-kubectl program (matched on the whole argv), as often as it is run.
  void script(const std::vector<std::string>& argv, core::Result r) {
    scripted_[core::display(argv)] = std::move(r);
  }

  // State, for assertions: the ReplicaSets of a Deployment (name -> revision), its pods (name ->
  // image, terminating ones with " (terminating)"), its template's first image.
  std::map<std::string, std::string> replicasets(const std::string& ns,
                                                 const std::string& deployment) {
    std::map<std::string, std::string> out;
    for (const auto& [name, rs] : ns_[ns].replicasets)
      if (owner_of(rs) == deployment) out[name] = revision_of(rs);
    return out;
  }
  std::map<std::string, std::string> pods(const std::string& ns, const std::string& deployment) {
    std::map<std::string, std::string> out;
    for (const auto& [name, p] : ns_[ns].pods)
      if (deployment_of_pod(ns, p) == deployment)
        out[name] = p["spec"]["containers"][0]["image"].get<std::string>() +
                    (p["metadata"].contains("deletionTimestamp") ? " (terminating)" : "");
    return out;
  }
  std::string image(const std::string& ns, const std::string& deployment) {
    return ns_[ns].deployments.at(deployment)["spec"]["template"]["spec"]["containers"][0]["image"];
  }
  bool has_namespace(const std::string& ns) const { return namespaces_.count(ns) > 0; }

  core::Result run(const core::Command& cmd) override {
    ran.push_back(cmd.argv);
    commands.push_back(cmd);
    EXPECT_GT(cmd.timeout.count(), 0) << "no timeout: " << core::display(cmd.argv);
    if (runs_offline(cmd.argv)) return real_.run(cmd);
    if (cmd.argv.size() >= 4 && cmd.argv[0] == "kubectl" && cmd.argv[1] == "--context")
      return kubectl({cmd.argv.begin() + 3, cmd.argv.end()}, cmd.input);
    if (auto it = scripted_.find(core::display(cmd.argv)); it != scripted_.end()) return it->second;
    ADD_FAILURE() << "not scripted: " << core::display(cmd.argv);
    return exited(1, "", "not scripted");
  }
  std::vector<std::vector<std::string>> ran;
  std::vector<core::Command> commands;

  // `kubectl port-forward svc/SERVICE ...` (how the k8s target reaches a Service when the node's
  // address does not answer) says, as kubectl does, that it forwards from 127.0.0.1:`port`, and
  // runs until its handle goes.
  void forward(const std::string& service, int port) { forwards_[service] = port; }
  std::unique_ptr<core::Running> start(const core::Command& cmd) override {
    ran.push_back(cmd.argv);
    for (const auto& [service, port] : forwards_) {
      if (std::find(cmd.argv.begin(), cmd.argv.end(), "svc/" + service) == cmd.argv.end()) continue;
      const auto remote = std::find_if(cmd.argv.begin(), cmd.argv.end(),
                                       [](const std::string& a) { return a.rfind(':', 0) == 0; });
      return std::make_unique<ScriptedRunning>(
          std::vector<std::string>{"Forwarding from 127.0.0.1:" + std::to_string(port) + " -> " +
                                   (remote == cmd.argv.end() ? "" : remote->substr(1))},
          false, running_);
    }
    return ForegroundOnly::start(cmd);
  }

 private:
  std::map<std::string, int> forwards_;
  std::shared_ptr<int> running_ = std::make_shared<int>(0);
  struct Namespace {
    std::map<std::string, json> deployments, replicasets, pods, services, pvcs, others;
  };

  core::Result kubectl(const std::vector<std::string>& a, const std::string& input) {
    if (a[0] == "version") return version_;
    if (a[0] == "apply" && a.size() == 3 && a[1] == "-f" && a[2] == "-") return apply(input);
    if (a.size() == 6 && a[0] == "get" && a[2] == "-n" && a[4] == "-o" && a[5] == "json")
      return exited(0, list(a[3], a[1]).dump(4) + "\n");
    if (a.size() == 6 && a[0] == "rollout" && a[1] == "undo" && a[3] == "-n" &&
        a[2].starts_with("deployment/") && a[5].starts_with("--to-revision="))
      return undo(a[4], a[2].substr(11), a[5].substr(14));
    if (a[0] == "logs" && a.size() >= 7) {
      const bool previous = a.back() == "--previous";
      if (!ns_[a[3]].pods.count(a[1]))
        return exited(1, "", "Error from server (NotFound): pods \"" + a[1] + "\" not found\n");
      return exited(0, previous ? crash_log_ : log_);
    }
    ADD_FAILURE() << "the fake cluster does not model: kubectl " << core::display(a);
    return exited(1, "", "not modelled");
  }

  // --- apply -------------------------------------------------------------------------------------
  static json to_json(const YAML::Node& n) {
    if (n.IsMap()) {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
      return o;
    }
    if (n.IsSequence()) {
      json a = json::array();
      for (const auto& v : n) a.push_back(to_json(v));
      return a;
    }
    if (n.IsNull()) return nullptr;
    const std::string s = n.Scalar();
    if (n.Tag() == "!") return s;  // quoted: a string whatever it looks like
    if (s == "true" || s == "false") return s == "true";
    if (!s.empty() && s.find_first_not_of("-0123456789") == std::string::npos && s != "-")
      return std::stoll(s);
    return s;
  }

  core::Result apply(const std::string& yaml) {
    std::vector<json> objects;
    for (const auto& doc : YAML::LoadAll(yaml))
      if (doc.IsMap()) objects.push_back(to_json(doc));
    for (const auto& o : objects)
      if (o["kind"] == "Namespace") namespaces_.insert(o["metadata"]["name"].get<std::string>());
    std::string out;
    for (auto o : objects) {
      const std::string kind = o["kind"], name = o["metadata"]["name"];
      if (kind == "Namespace") {
        out += "namespace/" + name + " configured\n";
        continue;
      }
      const std::string ns = o["metadata"].value("namespace", "default");
      if (!namespaces_.count(ns))
        return exited(1, out,
                      "Error from server (NotFound): error when creating \"STDIN\": namespaces \"" +
                          ns + "\" not found\n");
      auto& n = ns_[ns];
      auto& store = kind == "Deployment"              ? n.deployments
                    : kind == "Service"               ? n.services
                    : kind == "PersistentVolumeClaim" ? n.pvcs
                                                      : n.others;
      const std::string key =
          kind == "Deployment" || kind == "Service" || kind == "PersistentVolumeClaim"
              ? name
              : kind + "/" + name;
      std::string verb = "created";
      if (auto it = store.find(key); it != store.end()) {
        verb = it->second["spec"] == o["spec"] ? "unchanged" : "configured";
        if (kind == "Deployment") {
          auto d = it->second;
          if (verb == "configured") {
            d["spec"] = o["spec"];
            d["metadata"]["generation"] = d["metadata"]["generation"].get<long>() + 1;
          }
          o = d;
        } else {
          // What the server filled in stays (a Service's cluster IP and NodePorts, a claim's
          // binding and phase): an apply changes the spec.
          auto kept = it->second;
          if (verb == "configured" && kind != "Service") kept["spec"] = o["spec"];
          o = kept;
        }
      } else if (kind == "Deployment") {
        auto d = deployment_tpl_.count(name) ? deployment_tpl_.at(name) : json::object();
        d["metadata"]["name"] = name;
        d["metadata"]["namespace"] = ns;
        d["metadata"]["generation"] = 1;
        d["metadata"]["annotations"].erase("deployment.kubernetes.io/revision");
        d["spec"] = o["spec"];
        d["status"] = json::object();
        o = d;
      } else if (kind == "Service" && service_tpl_.count(name)) {
        auto s = service_tpl_.at(name);
        s["metadata"]["namespace"] = ns;
        o = s;
      } else if (kind == "PersistentVolumeClaim") {
        auto p = pvc_tpl_;
        p["metadata"]["name"] = name;
        p["metadata"]["namespace"] = ns;
        o = p;
      }
      store[key] = o;
      out += resource_of(kind) + "/" + name + " " + verb + "\n";
    }
    return exited(0, out);
  }

  static std::string resource_of(const std::string& kind) {
    static const std::map<std::string, std::string> groups = {
        {"Deployment", "deployment.apps"},
        {"HorizontalPodAutoscaler", "horizontalpodautoscaler.autoscaling"},
        {"PodDisruptionBudget", "poddisruptionbudget.policy"},
        {"NetworkPolicy", "networkpolicy.networking.k8s.io"}};
    if (auto it = groups.find(kind); it != groups.end()) return it->second;
    std::string r = kind;
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::tolower(c); });
    return r;
  }

  // --- the controllers ---------------------------------------------------------------------------
  static std::string owner_of(const json& o) {
    const auto& refs = o["metadata"]["ownerReferences"];
    if (!refs.is_array() || refs.empty()) return {};
    const std::string owner = refs[0]["name"];
    // a pod's owner is a ReplicaSet <deployment>-<hash>: its Deployment
    return refs[0]["kind"] == "ReplicaSet" ? owner.substr(0, owner.rfind('-')) : owner;
  }
  static std::string revision_of(const json& o) {
    return o["metadata"]["annotations"].value("deployment.kubernetes.io/revision", "");
  }
  std::string deployment_of_pod(const std::string& ns, const json& pod) {
    const std::string rs = pod["metadata"]["ownerReferences"][0]["name"];
    auto it = ns_[ns].replicasets.find(rs);
    return it == ns_[ns].replicasets.end() ? std::string() : owner_of(it->second);
  }
  // Kubernetes names a ReplicaSet after its template's hash, in this alphabet (no vowels).
  static std::string hash_of(const json& tpl) {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : tpl.dump()) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::string out;
    for (int i = 0; i < 10; ++i, h /= 27) out += alphabet[h % 27];
    return out;
  }
  std::string suffix() {
    static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::string out;
    for (unsigned n = ++pods_made_ * 7919u, i = 0; i < 5; ++i, n /= 27) out += alphabet[n % 27];
    return out;
  }

  // One step of the deployment controller and the kubelet in `ns`.
  void reconcile(const std::string& ns) {
    auto& n = ns_[ns];
    // terminating pods seen once are gone now
    for (auto it = n.pods.begin(); it != n.pods.end();)
      it = it->second["metadata"].contains("deletionTimestamp") ? n.pods.erase(it) : std::next(it);
    for (auto& [name, d] : n.deployments) {
      json tpl = d["spec"]["template"];
      const std::string hash = hash_of(tpl);
      const std::string rs_name = name + "-" + hash;
      int top = 0;
      for (const auto& [_, rs] : n.replicasets)
        if (owner_of(rs) == name) top = std::max(top, std::stoi(revision_of(rs)));
      auto rs_it = n.replicasets.find(rs_name);
      if (rs_it == n.replicasets.end()) {
        json rs = replicaset_tpl_;
        rs["metadata"]["name"] = rs_name;
        rs["metadata"]["namespace"] = ns;
        rs["metadata"]["ownerReferences"][0]["name"] = name;
        rs["metadata"]["labels"]["pod-template-hash"] = hash;
        rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
            std::to_string(top + 1);
        tpl["metadata"]["labels"]["pod-template-hash"] = hash;
        rs["spec"]["template"] = tpl;
        rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] = hash;
        rs_it = n.replicasets.emplace(rs_name, rs).first;
      } else if (std::stoi(revision_of(rs_it->second)) != top) {  // an undo: back on top
        rs_it->second["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
            std::to_string(top + 1);
      }
      d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
          revision_of(rs_it->second);
      const int replicas = d["spec"].value("replicas", 1);
      // the new ReplicaSet's pods: created, then started the way their image starts
      int mine = 0, ready = 0;
      for (auto& [pod_name, p] : n.pods) {
        if (p["metadata"]["ownerReferences"][0]["name"] != rs_name) continue;
        ++mine;
        if (p["status"]["phase"] == "Pending") start_pod(p);
        ready += p["status"]["containerStatuses"][0]["ready"].get<bool>();
      }
      for (; mine < replicas; ++mine) create_pod(ns, name, rs_name, hash, tpl);
      // the old ones: kept until the new ones are all ready (maxUnavailable 0), then terminating
      int old_pods = 0;
      for (auto& [pod_name, p] : n.pods) {
        if (p["metadata"]["ownerReferences"][0]["name"] == rs_name ||
            deployment_of_pod(ns, p) != name)
          continue;
        if (ready == replicas)
          p["metadata"]["deletionTimestamp"] = "2026-11-26T10:02:10Z";
        else
          ++old_pods;
      }
      json& st = d["status"];
      st = json::object();
      st["observedGeneration"] = d["metadata"]["generation"];
      st["replicas"] = mine + old_pods;
      st["updatedReplicas"] = mine;
      if (ready) st["readyReplicas"] = ready, st["availableReplicas"] = ready;
      st["conditions"] = json::array(
          {{{"type", "Available"},
            {"status", ready ? "True" : "False"},
            {"reason", ready ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"}},
           {{"type", "Progressing"},
            {"status", "True"},
            {"reason", ready == replicas ? "NewReplicaSetAvailable" : "ReplicaSetUpdated"},
            {"message",
             "ReplicaSet \"" + rs_name + "\" " +
                 (ready == replicas ? "has successfully progressed." : "is progressing.")}}});
    }
  }

  void create_pod(const std::string& ns, const std::string& deployment, const std::string& rs_name,
                  const std::string& hash, const json& tpl) {
    json p = pod_tpl_.count(deployment) ? pod_tpl_.at(deployment) : pod_tpl_.begin()->second;
    const std::string name = rs_name + "-" + suffix();
    p["metadata"]["name"] = name;
    p["metadata"]["namespace"] = ns;
    p["metadata"]["generateName"] = rs_name + "-";
    p["metadata"]["labels"] = tpl["metadata"]["labels"];
    p["metadata"]["labels"]["pod-template-hash"] = hash;
    p["metadata"]["ownerReferences"][0]["name"] = rs_name;
    p["metadata"].erase("deletionTimestamp");
    for (std::size_t i = 0; i < p["spec"]["containers"].size(); ++i)
      p["spec"]["containers"][i]["image"] = tpl["spec"]["containers"][i]["image"];
    p["status"] = creating_status_;
    name_statuses(p);
    ns_[ns].pods[name] = p;
  }

  void start_pod(json& p) {
    const std::string image = p["spec"]["containers"][0]["image"];
    const auto b = behaviour_.find(image);
    const bool crash = b != behaviour_.end() && b->second == Start::crash;
    const std::string deployment = owner_of(p);
    p["status"] = crash ? crash_status_
                        : (pod_tpl_.count(deployment) ? pod_tpl_.at(deployment)
                                                      : pod_tpl_.begin()->second)["status"];
    name_statuses(p);
  }

  // A status template's container statuses renamed to this pod's containers and images.
  static void name_statuses(json& p) {
    auto& cs = p["status"]["containerStatuses"];
    for (std::size_t i = 0; i < cs.size() && i < p["spec"]["containers"].size(); ++i) {
      cs[i]["name"] = p["spec"]["containers"][i]["name"];
      cs[i]["image"] = p["spec"]["containers"][i]["image"];
    }
  }

  core::Result undo(const std::string& ns, const std::string& deployment,
                    const std::string& revision) {
    auto& n = ns_[ns];
    auto d = n.deployments.find(deployment);
    if (d == n.deployments.end())
      return exited(
          1, "",
          "Error from server (NotFound): deployments.apps \"" + deployment + "\" not found\n");
    for (const auto& [_, rs] : n.replicasets)
      if (owner_of(rs) == deployment && revision_of(rs) == revision) {
        json tpl = rs["spec"]["template"];
        tpl["metadata"]["labels"].erase("pod-template-hash");
        d->second["spec"]["template"] = tpl;
        d->second["metadata"]["generation"] = d->second["metadata"]["generation"].get<long>() + 1;
        return exited(0, "deployment.apps/" + deployment + " rolled back\n");
      }
    return exited(1, "", "error: unable to find specified revision " + revision + " in history\n");
  }

  // --- get ---------------------------------------------------------------------------------------
  json list(const std::string& ns, const std::string& resource) {
    if (resource == "deployments") reconcile(ns);
    auto& n = ns_[ns];
    json items = json::array();
    auto all = [&](const std::map<std::string, json>& m) {
      for (const auto& [_, o] : m) items.push_back(o);
    };
    if (resource == "deployments") all(n.deployments);
    if (resource == "replicasets") all(n.replicasets);
    if (resource == "pods") all(n.pods);
    if (resource == "services") all(n.services);
    if (resource == "pvc") all(n.pvcs);
    if (resource == "endpoints")
      for (const auto& [name, s] : n.services) {
        json e = endpoints_tpl_;
        e["metadata"]["name"] = name;
        e["metadata"]["namespace"] = ns;
        json addresses = json::array(), not_ready = json::array();
        for (const auto& [pod_name, p] : n.pods) {
          bool selected = !p["metadata"].contains("deletionTimestamp");
          for (const auto& [k, v] : s["spec"]["selector"].items())
            selected = selected && p["metadata"]["labels"].value(k, "") == v;
          if (!selected) continue;
          json a = {{"ip", "10.244.0.9"},
                    {"targetRef", {{"kind", "Pod"}, {"name", pod_name}, {"namespace", ns}}}};
          (p["status"]["containerStatuses"][0]["ready"].get<bool>() ? addresses : not_ready)
              .push_back(a);
        }
        json subset = json::object();
        if (!addresses.empty()) subset["addresses"] = addresses;
        if (!not_ready.empty()) subset["notReadyAddresses"] = not_ready;
        subset["ports"] = e["subsets"][0]["ports"];
        e["subsets"] = subset.size() > 1 ? json::array({subset}) : json::array();
        items.push_back(e);
      }
    return {{"apiVersion", "v1"},
            {"items", items},
            {"kind", "List"},
            {"metadata", {{"resourceVersion", ""}}}};
  }

  std::map<std::string, Namespace> ns_;
  std::set<std::string> namespaces_;
  std::map<std::string, Start> behaviour_;
  std::map<std::string, core::Result> scripted_;
  std::map<std::string, json> deployment_tpl_, pod_tpl_, service_tpl_;
  json replicaset_tpl_, endpoints_tpl_, pvc_tpl_, crash_status_, creating_status_;
  core::Result version_;
  std::string log_, crash_log_;
  unsigned pods_made_ = 0;
  core::PosixProcessRunner real_;
};

}  // namespace boutique::fake
