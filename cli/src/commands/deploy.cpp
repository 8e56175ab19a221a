#include "commands/deploy.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/choices.hpp"
#include "core/errors.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

CLI::App* setup_deploy(CLI::App& app, DeployOptions& opts) {
  auto* sub = app.add_subcommand(
      "deploy", "Apply the Kubernetes manifests of this build and wait for the rollouts");
  sub->add_option("--overlay", opts.overlay,
                  "minikube, prod, or a directory (default: k8s.overlay)")
      ->type_name(choices::kOverlay);
  sub->add_flag("--dry-run", opts.dry_run, "Print what would be applied; touch nothing");
  sub->add_flag("--diff", opts.diff,
                "Print what would change in the cluster (kubectl diff); change nothing")
      ->excludes("--dry-run");
  sub->add_flag("--atomic", opts.atomic,
                "A failed rollout is undone: each changed Deployment back to its revision before");
  sub->add_flag("-y,--yes", opts.yes,
                "Deploy to a context that is not a local cluster without asking");
  sub->add_option("--timeout", opts.timeout,
                  "Deadline of the rollouts: 90, 90s, 5m, 1h (default 5m)");
  sub->footer(
      "Steps: cluster reachable (k8s.context) -> minikube: `minikube image load` of this\n"
      "build's images -> `kubectl apply -f -` of `boutique render` -> wait, polling the\n"
      "Deployments, Pods and PVCs. Fails fast naming the pod and reason, with its last log\n"
      "lines or events: CrashLoopBackOff (4), ErrImagePull/ImagePullBackOff/ErrImageNeverPull\n"
      "(3), CreateContainerConfigError (2), Unschedulable or a Pending PVC after 30 s (3),\n"
      "deadline (5); unreachable cluster (3). A context that is not a local cluster (minikube,\n"
      "kind-*, k3d-*, docker-desktop, rancher-desktop, orbstack, colima, microk8s) is touched\n"
      "only after a yes, or with --yes (without a terminal: exit 8).\n\n"
      "Examples:\n  boutique deploy\n  boutique deploy --dry-run\n  boutique deploy --diff\n"
      "  boutique deploy --timeout 10m\n  boutique deploy --context staging --namespace shop "
      "--yes");
  return sub;
}

int run_deploy(const DeployOptions& opts, core::Context& ctx) {
  targets::DeployOptions d;
  d.overlay = opts.overlay;
  d.dry_run = opts.dry_run;
  d.atomic = opts.atomic;
  d.timeout = std::chrono::seconds(core::require_duration(opts.timeout, "--timeout"));
  if (opts.yes) ctx.assume_yes = true;
  auto target = targets::make_deploy_target(ctx);
  auto& deployer = *target->deployer();
  if (opts.diff) {
    const auto diff = deployer.diff(opts.overlay);
    if (ctx.format == core::Format::json) {
      ctx.print(nlohmann::json{{"changed", !diff.empty()}, {"diff", diff}}.dump(2) + "\n");
    } else {
      ctx.print(diff);
      ctx.progress->info(diff.empty() ? "no difference: the cluster runs what this build renders"
                                      : "these objects would change; nothing was changed");
    }
    return 0;
  }
  auto rep = deployer.deploy(d);
  if (opts.dry_run) {
    ctx.print(rep.yaml);
    ctx.progress->info(fmt::format("dry run: {} objects would be applied (tag {}); nothing changed",
                                   rep.objects.size(), rep.tag));
    return 0;
  }
  auto urls = deployer.urls();
  if (ctx.format == core::Format::json) {
    nlohmann::json u = nlohmann::json::object();
    for (const auto& [label, url] : urls) u[label] = url;
    ctx.print(nlohmann::json{
                  {"tag", rep.tag}, {"server", rep.server}, {"objects", rep.objects}, {"urls", u}}
                  .dump(2) +
              "\n");
    return 0;
  }
  std::string out = rep.applied + fmt::format(
                                      "\nDeployed {} (Kubernetes {}): every rollout "
                                      "complete.\n",
                                      rep.tag, rep.server);
  for (const auto& [label, url] : urls) out += fmt::format("  {:<18} {}\n", label, url);
  if (urls.empty())
    out +=
        "  The NodePorts do not answer from here: `boutique urls` forwards the Services to this "
        "machine.\n";
  // The seed's `kubectl get pods,pvc,svc` looks in the current namespace.
  const std::string ns = ctx.config.str("k8s.namespace");
  out += fmt::format(
      "\nEverything is in namespace {0}: kubectl -n {0} get pods,pvc,svc — or make it kubectl's "
      "default:\n  kubectl config set-context --current --namespace {0}\n",
      ns);
  ctx.print(out);
  return 0;
}

}  // namespace boutique::commands
