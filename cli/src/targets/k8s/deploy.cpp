// `boutique deploy`: cluster reachable? -> images in the cluster -> kubectl apply -> rollout wait
// with a deadline, failing fast with the cause (pod, reason, last log lines or events).
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/interrupt.hpp"
#include "images/builder.hpp"
#include "images/engine.hpp"
#include "images/plan.hpp"
#include "state/state_dir.hpp"
#include "targets/confirm.hpp"
#include "targets/k8s/cluster.hpp"
#include "targets/k8s/k8s_target.hpp"

using namespace std::chrono_literals;

namespace boutique::targets::k8s {
namespace {

std::string indent(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += "    " + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string hint_for(const Failure& f, const std::string& ns) {
  const std::string& r = f.reason;
  if (r == "CrashLoopBackOff")
    return "the container exits at start: read its logs above (boutique logs --target k8s), "
           "fix, then boutique deploy";
  if (r == "ErrImageNeverPull")
    return "the image is not in minikube: boutique build, then boutique deploy (it runs "
           "`minikube image load`)";
  if (r.find("Image") != std::string::npos || r == "ErrImagePull")
    return "the cluster cannot pull the image: boutique build --push (images.registry), or "
           "minikube: boutique deploy loads local images";
  if (r == "CreateContainerConfigError")
    return "a Secret or ConfigMap it needs is missing: see docs/kubernetes.md \"Credentials\"";
  if (f.kind == "PersistentVolumeClaim")
    return "no StorageClass provisions it: minikube addons enable storage-provisioner "
           "default-storageclass";
  if (r == "Unschedulable")
    return "no node has room: minikube start --cpus 4 --memory 4g, or lower the requests";
  return fmt::format("kubectl describe deployment -n {}", ns);
}

}  // namespace

ClusterKind cluster_kind(const std::string& setting, const std::string& context) {
  if (setting == "minikube") return {ClusterKind::minikube, context};
  if (setting == "kind")
    return {ClusterKind::kind, context.starts_with("kind-") ? context.substr(5) : context};
  if (setting == "k3d")
    return {ClusterKind::k3d, context.starts_with("k3d-") ? context.substr(4) : context};
  if (setting == "registry") return {ClusterKind::registry, {}};
  if (setting != "auto")
    throw core::ConfigError(
        fmt::format("k8s.cluster '{}' is not one of auto, minikube, kind, k3d, registry", setting),
        "auto picks by the context's name; set minikube for a minikube profile with another name");
  // As the tools name the contexts they create: minikube (its default profile), kind-<cluster>,
  // k3d-<cluster>.
  if (context == "minikube") return {ClusterKind::minikube, context};
  if (context.starts_with("kind-")) return {ClusterKind::kind, context.substr(5)};
  if (context.starts_with("k3d-")) return {ClusterKind::k3d, context.substr(4)};
  return {ClusterKind::registry, {}};
}

ImageTags K8sTarget::load_images(const std::string& tag) {
  const ClusterKind cluster = cluster_kind(ctx_.config.str("k8s.cluster"), kubectl_.context());
  if (cluster.tool == ClusterKind::registry) return pushed_digests(tag);
  images::Engine engine(*ctx_.runner,
                        images::choose_engine(*ctx_.runner, ctx_.config.str("images.engine"),
                                              ctx_.config.value("images.engine").origin)
                            .kind);
  const std::string registry = ctx_.config.str("images.registry");
  ImageTags pinned;
  for (const char* key : {"images.api", "images.web"}) {
    const std::string name = ctx_.config.str(key);
    const std::string ref = images::image_ref(registry, name, tag);
    // Pinned to the image's content: <tag>-<12 hex of its ID>. A rebuilt image (a second dirty
    // build, a fixed images.tag) gets another tag, so a new ReplicaSet; the same image the same
    // tag, so no rollout — and never a same-tag image a running pod holds (which `minikube image
    // load` would not replace).
    const auto id = engine.image_id(ref);
    if (!id)
      throw core::MissingPrerequisite(
          fmt::format("the image {} is not in {}'s store", ref, engine.program()),
          "build it first: boutique build (or boutique up --target k8s, which builds)");
    const std::string pinned_tag = tag + "-" + id->substr(0, 12);
    const std::string pinned_ref = images::image_ref(registry, name, pinned_tag);
    engine.tag(ref, pinned_ref);
    pinned[key] = pinned_tag;
    if (cluster.tool == ClusterKind::minikube && engine.kind() == images::EngineKind::docker) {
      // From the Docker engine's store directly, as minikube documents.
      auto step = ctx_.progress->step("Loading " + pinned_ref + " into minikube");
      std::vector<std::string> argv = {"minikube", "-p", cluster.name, "image", "load", pinned_ref};
      core::require_ok(ctx_.runner->run({argv, {}, {}, 600s, {}}), argv,
                       "is minikube running? (minikube status)");
      step.done();
      continue;
    }
    load_archive(engine, cluster, pinned_ref);  // podman's images, kind, k3d
  }
  return pinned;
}

ImageTags K8sTarget::pushed_digests(const std::string& tag) {
  const std::string registry = ctx_.config.str("images.registry");
  ImageTags pinned;
  std::vector<std::string> by_tag;
  for (const char* key : {"images.api", "images.web"}) {
    const std::string ref = images::image_ref(registry, ctx_.config.str(key), tag);
    if (const auto digest =
            registry.empty() ? std::nullopt : images::pushed_digest(ctx_.config, ref)) {
      pinned[key] = *digest;
      continue;
    }
    // A -dirty tag names whatever was pushed last under it: only a digest says which build.
    if (tag.ends_with("-dirty"))
      throw core::MissingPrerequisite(
          fmt::format("{} was not pushed from this checkout: a -dirty tag is re-pushed under the "
                      "same name at every build, so only its digest tells the cluster which one "
                      "to run",
                      ref),
          registry.empty() ? "set images.registry, then boutique build --push"
                           : "boutique build --push, then deploy again");
    by_tag.push_back(ref);
  }
  ctx_.progress->info(fmt::format(
      "context {}: the cluster pulls the images from the registry{}", kubectl_.context(),
      by_tag.empty() ? ", by the digests `boutique build --push` recorded"
                     : fmt::format(" by tag ({}: no digest recorded here; boutique build --push "
                                   "records one)",
                                   fmt::join(by_tag, ", "))));
  return pinned;
}

void K8sTarget::load_archive(images::Engine& engine, const ClusterKind& cluster,
                             const std::string& ref) {
  // In the state directory (it may be large: /tmp is often a small tmpfs), removed afterwards.
  const std::filesystem::path dir = state::state_dir(ctx_.config) / "k8s-images";
  std::filesystem::create_directories(dir);
  // registry/path/boutique-api:tag -> boutique-api.tar
  std::string name = ref.substr(0, ref.rfind(':'));
  if (const auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  const std::filesystem::path tar = dir / (name + ".tar");
  struct Cleanup {
    std::filesystem::path f;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove(f, ec);
    }
  } cleanup{tar};
  const std::string archive = tar.string();
  const char* tool = cluster.tool == ClusterKind::minikube ? "minikube"
                     : cluster.tool == ClusterKind::kind   ? "kind"
                                                           : "k3d";
  auto step = ctx_.progress->step(
      fmt::format("Loading {} into {} {} ({} save)", ref, tool, cluster.name, engine.program()));
  engine.save(ref, archive);
  std::vector<std::string> argv;
  if (cluster.tool == ClusterKind::minikube)
    argv = {"minikube", "-p", cluster.name, "image", "load", archive};
  else if (cluster.tool == ClusterKind::kind)
    argv = {"kind", "load", "image-archive", archive, "--name", cluster.name};
  else
    argv = {"k3d", "image", "import", archive, "-c", cluster.name};
  try {
    core::require_ok(ctx_.runner->run({argv, {}, {}, 600s, {}}), argv,
                     fmt::format("is the {} cluster '{}' running? (k8s.cluster, k8s.context)", tool,
                                 cluster.name));
  } catch (const core::ProgramNotFound&) {
    throw core::MissingPrerequisite(
        fmt::format("{} is not installed: it loads the images into the {} cluster", tool, tool),
        fmt::format("install {}, or set k8s.cluster: registry and push the images", tool));
  }
  step.done();
}

bool local_context(const std::string& context) {
  // The clusters images are loaded into (cluster_kind's naming rule), and the desktop ones.
  if (cluster_kind("auto", context).tool != ClusterKind::registry) return true;
  for (const char* name : {"docker-desktop", "rancher-desktop", "orbstack", "microk8s"})
    if (context == name) return true;
  return context.starts_with("colima");
}

void K8sTarget::confirm_context(const std::string& action, bool yes) {
  // A local cluster by its name, or because k8s.cluster says which tool made it.
  if (local_context(kubectl_.context()) ||
      cluster_kind(ctx_.config.str("k8s.cluster"), kubectl_.context()).tool !=
          ClusterKind::registry)
    return;
  confirm(fmt::format("{} context {} (namespace {}), which is not a local cluster?", action,
                      kubectl_.context(), kubectl_.ns()),
          fmt::format("nothing done to context {}", kubectl_.context()), yes);
}

std::string K8sTarget::diff(const std::string& overlay) {
  kubectl_.require_reachable();
  const std::string yaml = render(ctx_, overlay_path(ctx_.config, overlay), build_tag(ctx_));
  // kubectl diff: a server-side dry run of the apply; exit 0 nothing differs, 1 it does, more: an
  // error.
  std::vector<std::string> args = {"diff", "-f", "-"};
  auto r = kubectl_.run(args, 120s, yaml);
  if (r.exit_code > 1 || r.signal || r.timed_out) kubectl_.fail(r, args);
  return r.exit_code == 1 ? r.out : std::string();
}

DeployReport K8sTarget::deploy(const DeployOptions& opts) {
  DeployReport rep;
  if (!opts.dry_run) {  // --dry-run renders only: no kubectl call reaches the cluster
    core::catch_interrupts();
    {
      auto step = ctx_.progress->step("Checking the cluster (context " + kubectl_.context() + ")");
      rep.server = kubectl_.require_reachable();
      step.done(rep.server);
    }
    // Reading is harmless; changing a cluster that is not a local one needs a yes.
    confirm_context("Deploy to", ctx_.assume_yes);
  }
  rep.tag = build_tag(ctx_);
  const auto overlay = overlay_path(ctx_.config, opts.overlay);
  if (opts.dry_run) {  // the build's tag: no engine is asked for the images' IDs
    rep.yaml = render(ctx_, overlay, rep.tag);
    rep.objects = object_names(rep.yaml);
    return rep;
  }
  const ImageTags pinned = opts.load_images ? load_images(rep.tag) : ImageTags{};
  rep.yaml = render(ctx_, overlay, rep.tag, pinned);
  rep.objects = object_names(rep.yaml);
  // --atomic: each Deployment's revision before the apply, to go back to if the rollout fails.
  std::map<std::string, std::string> before;
  if (opts.atomic)
    for (const auto& d : parse_deployments(kubectl_.get_json("deployments")))
      before[d.name] = d.revision;
  {
    auto step = ctx_.progress->step(fmt::format("Applying {} objects", rep.objects.size()));
    std::vector<std::string> args = {"apply", "-f", "-"};
    auto r = kubectl_.run(args, 120s, rep.yaml);
    if (!r.ok()) kubectl_.fail(r, args);
    rep.applied = r.out;
    step.done();
  }
  try {
    wait_rollout(opts);
  } catch (const core::Error& e) {
    // An interrupt stops every command, undo included: only a failed rollout is undone.
    if (!opts.atomic || e.code() == core::ExitCode::aborted) throw;
    throw core::Error(e.code(), std::string(e.what()) + "\n" + undo_rollouts(before), e.hint());
  }
  return rep;
}

std::string K8sTarget::undo_rollouts(const std::map<std::string, std::string>& before) {
  auto step = ctx_.progress->step("Rolling back (--atomic)");
  std::vector<std::string> lines;
  for (const auto& d : parse_deployments(kubectl_.get_json("deployments"))) {
    const auto it = before.find(d.name);
    if (it == before.end() || it->second.empty()) {
      lines.push_back(
          fmt::format("deployment/{} is new: no earlier revision to go back to", d.name));
      continue;
    }
    if (it->second == d.revision) continue;  // this deploy did not change it
    std::vector<std::string> args = {"rollout", "undo",        "deployment/" + d.name,
                                     "-n",      kubectl_.ns(), "--to-revision=" + it->second};
    auto r = kubectl_.run(args, 60s);
    lines.push_back(
        r.ok()
            ? fmt::format("--atomic: rolled deployment/{} back to revision {}", d.name, it->second)
            : fmt::format("--atomic: could not roll deployment/{} back: {}", d.name,
                          core::tail_lines(r.err.empty() ? r.describe() : r.err, 1)));
  }
  if (lines.empty()) lines.push_back("--atomic: no Deployment had changed, nothing to undo");
  step.done();
  return fmt::format("{}", fmt::join(lines, "\n"));
}

void K8sTarget::wait_rollout(const DeployOptions& opts) {
  const auto start = opts.now();
  const auto deadline = start + opts.timeout;
  auto step = ctx_.progress->step(
      fmt::format("Waiting for the rollouts (at most {} s)", opts.timeout.count()));
  for (;;) {
    auto deps = parse_deployments(kubectl_.get_json("deployments"));
    // Only the pods of each Deployment's current ReplicaSet count: a fix-forward must not fail on
    // the crashed pods of the revision it replaces, nor on pods already terminating.
    const auto pods = current_pods(deps, parse_replicasets(kubectl_.get_json("replicasets")),
                                   parse_pods(kubectl_.get_json("pods")));
    auto pvcs = parse_pvcs(kubectl_.get_json("pvc"));
    bool done = !deps.empty();
    for (const auto& d : deps) done = done && d.complete();
    if (done) {
      step.done();
      return;
    }
    const auto now = opts.now();
    if (auto f = diagnose(deps, pods, pvcs, now - start >= opts.grace)) {
      step.fail(f->reason);
      explain(*f);
    }
    if (now >= deadline) {
      step.fail("timed out");
      throw core::TimeoutError(
          fmt::format("the rollout did not complete within {} s:\n{}", opts.timeout.count(),
                      indent(fmt::format("{}", fmt::join(pending_summary(deps, pods), "\n")))),
          fmt::format("kubectl get pods -n {}; boutique status --target k8s; a longer "
                      "--timeout if the cluster is just slow",
                      kubectl_.ns()));
    }
    core::throw_if_interrupted();
    if (opts.sleep)
      opts.sleep(opts.poll);
    else
      std::this_thread::sleep_for(opts.poll);
  }
}

std::string K8sTarget::failure_text(const Failure& f) {
  std::string msg = fmt::format("{} {}: {}", f.kind == "Pod" ? "pod" : f.kind, f.name, f.reason);
  if (!f.message.empty()) msg += " (" + f.message + ")";
  bool shown = false;
  if (f.logs) {
    std::vector<std::string> args = {"logs", f.name,      "-n",       kubectl_.ns(),
                                     "-c",   f.container, "--tail=20"};
    if (f.previous) args.push_back("--previous");
    auto r = kubectl_.run(args);
    if (r.ok() && !r.out.empty()) {
      msg += fmt::format("\n  last log lines of container {}:\n{}", f.container, indent(r.out));
      shown = true;
    }
  }
  if (!shown) {
    auto r = kubectl_.run({"get", "events", "-n", kubectl_.ns(), "-o", "json"});
    std::string lines;
    if (r.ok())
      for (const auto& e : parse_events(r.out))
        if (e.kind == f.kind && e.object == f.name)
          lines += fmt::format("{} {}: {}{}\n", e.type, e.reason, e.message,
                               e.count > 1 ? fmt::format(" (x{})", e.count) : "");
    if (!lines.empty()) msg += "\n  events:\n" + indent(lines);
  }
  return msg;
}

std::string K8sTarget::failure_hint(const Failure& f) const {
  return hint_for(f, kubectl_.ns());
}

void K8sTarget::explain(const Failure& f) {
  throw core::Error(f.code, failure_text(f), failure_hint(f));
}

}  // namespace boutique::targets::k8s
