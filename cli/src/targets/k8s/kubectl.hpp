#pragma once
// kubectl for the k8s target: every call goes through the ProcessRunner with `--context` and a
// timeout (nothing can hang), and the rendered manifests (`boutique render`) come from
// `kubectl kustomize` over a temporary kustomization that sets this build's image tags.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/process.hpp"

namespace boutique::targets::k8s {

class Kubectl {
 public:
  Kubectl(core::ProcessRunner& runner, std::string context, std::string ns)
      : runner_(runner), context_(std::move(context)), ns_(std::move(ns)) {}
  // kubectl --context CTX ARGS...
  core::Result run(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30),
                   const std::string& input = {});
  // kubectl --context CTX ARGS..., left running alongside (port-forward).
  std::unique_ptr<core::Running> start(const std::vector<std::string>& args);
  // `get RESOURCE -n NS -o json`; throws (unreachable: MissingPrerequisite, else CommandFailed).
  std::string get_json(const std::string& resource);
  // `version -o json --request-timeout=5s`: the server's version, or MissingPrerequisite
  // unreachable_cluster(context).
  std::string require_reachable();
  const std::string& context() const { return context_; }
  const std::string& ns() const { return ns_; }
  [[noreturn]] void fail(const core::Result& r, const std::vector<std::string>& args) const;

 private:
  // kubectl --context CTX ARGS...
  std::vector<std::string> argv(const std::vector<std::string>& args) const;
  core::ProcessRunner& runner_;
  std::string context_, ns_;
};

// "cannot reach the cluster (context X): " and how to start it, by the tool its name says made it
// (minikube start, kind, k3d cluster start), else `kubectl cluster-info`.
std::string unreachable_cluster(const std::string& context);
// True when kubectl's stderr says the API server did not answer.
bool unreachable_message(const std::string& err);

// The overlay `boutique render --overlay NAME` means: a path when NAME has a '/', else
// manifests/overlays/NAME; empty: k8s.overlay.
std::filesystem::path overlay_path(const core::Config& cfg, const std::string& name);

struct ImageOverride {
  std::string name, new_name, new_tag;
  std::string digest;  // sha256:…: rendered as name@digest (kustomize's `digest:`), not the tag
};
// A pinned reference per image setting, over the build's tag: a tag ("images.api" ->
// "abc1234-dirty-5f2e3b9c1d2a", an image loaded into a local cluster) or a registry digest
// ("sha256:…", an image pushed for a registry cluster).
using ImageTags = std::map<std::string, std::string>;
// The images: this build's tag for the API and the frontend (registry prefix when set), also
// under the name the overlay itself renames them to (prod: registry.example.com/...).
std::vector<ImageOverride> image_overrides(const core::Config& cfg,
                                           const std::filesystem::path& overlay,
                                           const std::string& tag, const ImageTags& pinned = {});
// The wrapping kustomization.yaml: `namespace: ns`, `resources: [overlay_rel]`, `images:`.
std::string wrapper_kustomization(const std::string& overlay_rel,
                                  const std::vector<ImageOverride>& images, const std::string& ns);
// k8s.namespace, or ConfigError when it is not a DNS-1123 label (what Kubernetes accepts).
std::string checked_namespace(const core::Config& cfg);
// The command that renders the kustomization in `dir` (offline, no cluster): `kubectl kustomize`
// when kubectl is on PATH, else `kustomize build` (a standalone kustomize, >= 4.5: the project's
// manifests render the same with both). MissingPrerequisite when neither is.
std::vector<std::string> kustomize_argv(const std::filesystem::path& dir);
// The wrapper rendered with kustomize_argv (offline): the final YAML.
std::string render(core::Context& ctx, const std::filesystem::path& overlay, const std::string& tag,
                   const ImageTags& pinned = {});
// The tag of this build (images.tag, else the commit): images::plan_tag's rule.
std::string build_tag(core::Context& ctx);

// Multi-document YAML without the documents whose top-level `kind:` is one of `kinds`.
std::string drop_kinds(const std::string& yaml, const std::vector<std::string>& kinds);
// "Deployment/backend" for each document (kind/name), in order.
std::vector<std::string> object_names(const std::string& yaml);

}  // namespace boutique::targets::k8s
