#include "targets/k8s/k8s_target.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/env_file.hpp"
#include "core/errors.hpp"
#include "core/http.hpp"
#include "core/interrupt.hpp"
#include "probes/stack.hpp"
#include "targets/confirm.hpp"

using namespace std::chrono_literals;

namespace fs = std::filesystem;

namespace boutique::targets::k8s {
namespace {

// Deployment / Service name -> the CLI's component (db, api, web).
std::string component_of(const std::string& name) {
  if (name.rfind("postgres", 0) == 0) return "db";
  if (name.rfind("backend", 0) == 0) return "api";
  if (name.rfind("frontend", 0) == 0) return "web";
  return name;
}
// The CLI's component -> the app.kubernetes.io/component label.
std::string label_of(const std::string& component) {
  if (component == "db") return "database";
  if (component == "api") return "backend";
  return "frontend";
}

// A failure's text on one line: its first line, and its last one (the last log line or event)
// when there is more.
std::string summary_line(const std::string& text) {
  const auto first_end = text.find('\n');
  std::string out = text.substr(0, first_end);
  if (first_end == std::string::npos) return out;
  auto end = text.find_last_not_of(" \n");
  if (end == std::string::npos || end <= first_end) return out;
  const auto start = text.rfind('\n', end);
  std::string last = text.substr(start + 1, end - start);
  last.erase(0, last.find_first_not_of(' '));
  return out + " — last: " + last;
}

}  // namespace

K8sTarget::K8sTarget(core::Context& ctx)
    : ctx_(ctx),
      kubectl_(*ctx.runner, ctx.config.str("k8s.context"), ctx.config.str("k8s.namespace")) {}

UpSummary K8sTarget::up(const UpOptions& opts) {
  DeployOptions d;
  if (opts.timeout_s) d.timeout = std::chrono::seconds(*opts.timeout_s);
  deploy(d);
  UpSummary s;
  s.started = {"db", "api", "web"};
  s.urls = urls();
  s.admin_email = ctx_.config.str("admin.email");
  s.demo_accounts = false;
  return s;
}

void K8sTarget::down(const DownOptions& opts) {
  confirm_context("Delete the Boutique objects of", opts.yes || ctx_.assume_yes);
  const std::string yaml = render(ctx_, overlay_path(ctx_.config, ""), build_tag(ctx_));
  std::string objects = yaml;
  if (opts.volumes)
    confirm_delete(fmt::format("namespace {} (context {}), PVC postgres-pvc included",
                               kubectl_.ns(), kubectl_.context()),
                   opts.yes);
  else  // the data stays: the claim, and the namespace that would take it along
    objects = drop_kinds(yaml, {"PersistentVolumeClaim", "Namespace"});
  kubectl_.require_reachable();
  auto step = ctx_.progress->step("Deleting the Boutique objects");
  std::vector<std::string> args = {"delete",        "-f", "-", "--ignore-not-found", "--wait=true",
                                   "--timeout=120s"};
  auto r = kubectl_.run(args, 150s, objects);
  if (!r.ok()) kubectl_.fail(r, args);
  step.done(opts.volumes ? "data deleted" : "PVC kept (--volumes deletes it)");
}

std::vector<core::Check> K8sTarget::status() {
  std::vector<core::Check> out;
  try {
    std::string v = kubectl_.require_reachable();
    out.push_back({"cluster", "reachable", true,
                   fmt::format("context {}, Kubernetes {}", kubectl_.context(), v), ""});
  } catch (const core::Error& e) {
    out.push_back({"cluster", "reachable", false, e.what(), "minikube start"});
    return out;
  }
  const auto deps = parse_deployments(kubectl_.get_json("deployments"));
  // The pods of each Deployment's current ReplicaSet, as deploy judges them; an incomplete
  // rollout gets deploy's diagnosis in its row: the reason, the last log line or event, a hint.
  const auto pods = current_pods(deps, parse_replicasets(kubectl_.get_json("replicasets")),
                                 parse_pods(kubectl_.get_json("pods")));
  for (const auto& d : deps) {
    long long restarts = 0;  // a sum of ints
    std::vector<Pod> own;
    for (const Pod* p : pods_of(d, pods)) {
      restarts += p->restarts();
      own.push_back(*p);
    }
    std::string detail = fmt::format("{}/{} ready, {} restarts", d.available, d.desired, restarts);
    std::string hint = fmt::format("kubectl describe deployment -n {} {}", kubectl_.ns(), d.name);
    if (!d.complete())
      if (const auto f = diagnose({d}, own, {}, true)) {
        detail += "; " + summary_line(failure_text(*f));
        hint = failure_hint(*f);
      }
    out.push_back({component_of(d.name), "deployment " + d.name, d.complete(), detail, hint});
  }
  if (deps.empty())
    out.push_back(
        {"cluster", "deployments", false, "none in namespace " + kubectl_.ns(), "boutique deploy"});
  for (const auto& v : parse_pvcs(kubectl_.get_json("pvc")))
    out.push_back({"db", "pvc " + v.name, v.phase == "Bound", v.phase,
                   "minikube addons enable storage-provisioner default-storageclass"});
  for (const auto& e : parse_endpoints(kubectl_.get_json("endpoints")))
    out.push_back({component_of(e.name), "endpoints " + e.name, e.ready > 0,
                   fmt::format("{} ready, {} not ready", e.ready, e.not_ready),
                   "no ready pod behind the Service: boutique logs --target k8s"});
  // Each NodePort at the node's address when it answers there, else through a port-forward: the
  // HTTP checks always run. The forwards stop when `reach` goes, at the end of status.
  const auto reach = routes(true);
  std::string api_url, web_url;
  for (const auto& r : reach->routes) {
    const std::string comp = component_of(r.service);
    const std::string forward_cmd =
        fmt::format("kubectl port-forward -n {} svc/{} :{}", kubectl_.ns(), r.service, r.port);
    // Not answering at the node is a failure only when nothing else reaches the Service.
    out.push_back({comp, "nodeport " + r.service, r.node_answers,
                   r.node_answers ? r.node_url
                   : r.node_url.empty()
                       ? fmt::format("NodePort {} (no node address for this cluster)", r.node_port)
                       : r.node_url + " does not answer from here",
                   forward_cmd, !r.forwarded});
    if (r.forwarded)
      out.push_back({comp, "port-forward " + r.service, !r.url.empty(), r.forward,
                     "is a pod ready behind it? kubectl get pods -n " + kubectl_.ns()});
    if (comp == "api") api_url = r.url;
    if (comp == "web") web_url = r.url;
  }
  const probes::StackUrls urls{api_url, web_url,
                               "not reachable from here (see the nodeport and port-forward rows)",
                               " --target k8s"};
  for (auto rows : {probes::api_checks(urls, ctx_.config.root()), probes::web_checks(urls)})
    out.insert(out.end(), rows.begin(), rows.end());
  return out;
}

std::vector<state::Secret> K8sTarget::secrets() const {
  std::vector<state::Secret> out{
      {"admin.password", "", "api",
       "generated by the API at its first start and logged once: boutique logs api --target k8s"}};
  const fs::path overlay = ctx_.config.path("k8s.overlay");
  if (overlay.filename().string().starts_with("prod")) {  // prod, prod-external-db
    out.push_back({"database.password", "", "platform",
                   "the Secret postgres-credentials the platform provides (docs/kubernetes.md)"});
    return out;
  }
  const fs::path dev = ctx_.config.root() / "manifests" / "base" / "postgres.dev.env";
  auto v = core::env_file_value(dev, "POSTGRES_PASSWORD");
  out.push_back({"database.password", v.value_or(""), "manifest",
                 dev.string() + " (the base's development Secret)"});
  return out;
}

std::vector<std::string> K8sTarget::logs_argv(const LogsOptions& opts) const {
  // One kubectl for every component: with -f it follows them all at once, each line prefixed
  // with its pod and container ([pod/backend-…/api]); the selector picks one component or the
  // whole stack (the common label of manifests/base).
  const std::string selector = opts.component.empty()
                                   ? std::string("app.kubernetes.io/part-of=boutique")
                                   : "app.kubernetes.io/component=" + label_of(opts.component);
  std::vector<std::string> argv = {"kubectl",
                                   "--context",
                                   kubectl_.context(),
                                   "logs",
                                   "-n",
                                   kubectl_.ns(),
                                   "-l",
                                   selector,
                                   "--all-containers",
                                   "--prefix",
                                   "--max-log-requests=20",
                                   fmt::format("--tail={}", opts.tail)};
  if (!opts.since.empty()) argv.push_back("--since=" + opts.since);
  if (opts.previous) argv.push_back("--previous");
  if (opts.follow) argv.push_back("-f");
  return argv;
}

void K8sTarget::logs(const LogsOptions& opts) {
  const auto argv = logs_argv(opts);
  if (!opts.follow) {
    auto r = ctx_.runner->run_attached({argv, {}, {}, 60s, {}});
    if (!r.ok()) core::require_ok(r, argv, "is the cluster up? boutique status --target k8s");
    return;
  }
  // kubectl runs in its own process group (so that a timeout kills all of it): the terminal's
  // Ctrl-C reaches only boutique, which then stops kubectl — nothing keeps following afterwards.
  core::catch_interrupts();
  try {
    ctx_.runner->run_attached({argv, {}, {}, 0ms, {}});
  } catch (const core::Aborted&) {
  }  // Ctrl-C (or SIGTERM) ends `logs -f`: not an error
}

}  // namespace boutique::targets::k8s
