#include "targets/k8s/kubectl.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/files.hpp"
#include "images/plan.hpp"
#include "targets/k8s/cluster.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets::k8s {

std::vector<std::string> Kubectl::argv(const std::vector<std::string>& args) const {
  std::vector<std::string> out = {"kubectl", "--context", context_};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

core::Result Kubectl::run(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                          const std::string& input) {
  return runner_.run({argv(args), {}, {}, timeout, input});
}

std::unique_ptr<core::Running> Kubectl::start(const std::vector<std::string>& args) {
  return runner_.start({argv(args), {}, {}, {}, {}});
}

bool unreachable_message(const std::string& err) {
  for (const char* s : {"was refused", "Unable to connect", "no such host", "i/o timeout",
                        "context deadline exceeded", "connect: no route to host"})
    if (err.find(s) != std::string::npos) return true;
  return false;
}

std::string unreachable_cluster(const std::string& context) {
  std::string fix;
  if (context == "minikube")
    fix = "run `minikube start`";
  else if (context.starts_with("kind-"))
    fix = fmt::format(
        "is the kind cluster {0} running? (`kind get clusters`; `kind create cluster "
        "--name {0}`)",
        context.substr(5));
  else if (context.starts_with("k3d-"))
    fix = fmt::format("run `k3d cluster start {}`", context.substr(4));
  else
    fix = fmt::format("is it up? `kubectl --context {} cluster-info` says why", context);
  return fmt::format("cannot reach the cluster (context {}): {}", context, fix);
}

void Kubectl::fail(const core::Result& r, const std::vector<std::string>& args) const {
  if (r.timed_out || unreachable_message(r.err))
    throw core::MissingPrerequisite(unreachable_cluster(context_), core::tail_lines(r.err, 1));
  const auto full = argv(args);
  core::require_ok(r, full);
  throw core::CommandFailed(core::display(full) + " failed");
}

std::string Kubectl::get_json(const std::string& resource) {
  std::vector<std::string> args = {"get", resource, "-n", ns_, "-o", "json"};
  auto r = run(args);
  if (!r.ok()) fail(r, args);
  return r.out;
}

std::string Kubectl::require_reachable() {
  std::vector<std::string> args = {"version", "-o", "json", "--request-timeout=5s"};
  auto r = run(args, 15s);
  std::string server = r.ok() ? server_version(r.out) : std::string();
  if (server.empty())
    throw core::MissingPrerequisite(
        unreachable_cluster(context_),
        fmt::format("kubectl says: {} (k8s.context selects the cluster)",
                    core::tail_lines(r.err.empty() ? r.describe() : r.err, 1)));
  return server;
}

fs::path overlay_path(const core::Config& cfg, const std::string& name) {
  if (name.empty()) return cfg.path("k8s.overlay");
  fs::path p =
      name.find('/') != std::string::npos ? fs::path(name) : fs::path("manifests/overlays") / name;
  return p.is_absolute() ? p : cfg.root() / p;
}

namespace {

// The `images:` renames (name -> newName) of a kustomization and of the local kustomizations it
// builds on (`resources:` and `components:` that are directories), outermost first.
void collect_image_renames(const fs::path& dir, int depth,
                           std::vector<std::pair<std::string, std::string>>& out) {
  if (depth > 8) return;  // deeper than any sane overlay chain (and no cycle can go on)
  YAML::Node k;
  try {
    k = YAML::LoadFile((dir / "kustomization.yaml").string());
  } catch (const YAML::Exception&) {
    return;  // not readable here: kubectl kustomize reports the overlay's problem itself
  }
  try {
    for (const auto& img : k["images"])
      if (img["name"] && img["newName"])
        out.emplace_back(img["name"].as<std::string>(), img["newName"].as<std::string>());
    for (const char* list : {"resources", "components"})
      for (const auto& r : k[list]) {
        const fs::path sub = dir / r.as<std::string>();
        std::error_code ec;
        if (fs::is_directory(sub, ec)) collect_image_renames(sub, depth + 1, out);
      }
  } catch (const YAML::Exception&) {
    // a field of an unexpected shape: kubectl kustomize reports it
  }
}

std::vector<std::pair<std::string, std::string>> image_renames(const fs::path& overlay) {
  std::vector<std::pair<std::string, std::string>> out;
  collect_image_renames(overlay, 0, out);
  return out;
}

}  // namespace

std::vector<ImageOverride> image_overrides(const core::Config& cfg, const fs::path& overlay,
                                           const std::string& tag, const ImageTags& pinned) {
  std::vector<ImageOverride> out;
  const std::string registry = cfg.str("images.registry");
  for (const char* key : {"images.api", "images.web"}) {
    const std::string name = cfg.str(key);
    const std::string new_name = registry.empty() ? name : registry + "/" + name;
    const auto pin = pinned.find(key);
    if (pin != pinned.end() && pin->second.starts_with("sha256:"))
      out.push_back({name, new_name, tag, pin->second});
    else
      out.push_back({name, new_name, pin != pinned.end() ? pin->second : tag, {}});
  }
  // An overlay that renames the images (prod: registry.example.com/boutique/boutique-api)
  // renders them under its name: override that one too — the rename may be in an overlay it
  // builds on (prod-external-db is prod + a component).
  const std::size_t ours = out.size();
  for (const auto& rename : image_renames(overlay)) {
    const std::string& renamed = rename.second;  // a plain reference: lambdas capture it
    for (std::size_t i = 0; i < ours; ++i)
      if (rename.first == out[i].name && renamed != out[i].new_name &&
          std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.name == renamed; }))
        out.push_back(
            {renamed, registry.empty() ? renamed : out[i].new_name, out[i].new_tag, out[i].digest});
  }
  return out;
}

std::string wrapper_kustomization(const std::string& overlay_rel,
                                  const std::vector<ImageOverride>& images, const std::string& ns) {
  std::string y =
      "# generated by boutique render: the overlay with this build's image tags and namespace\n"
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
  // kustomize's namespace transformer moves every namespaced object and renames the Namespace
  // object itself: k8s.namespace is where everything is rendered, applied and looked for.
  y += fmt::format("namespace: {}\nresources:\n  - {}\nimages:\n", ns, overlay_rel);
  for (const auto& i : images)
    y += i.digest.empty() ? fmt::format("  - name: {}\n    newName: {}\n    newTag: \"{}\"\n",
                                        i.name, i.new_name, i.new_tag)
                          : fmt::format("  - name: {}\n    newName: {}\n    digest: {}\n", i.name,
                                        i.new_name, i.digest);
  return y;
}

std::string checked_namespace(const core::Config& cfg) {
  const std::string ns = cfg.str("k8s.namespace");
  const bool label = !ns.empty() && ns.size() <= 63 &&
                     std::isalnum(static_cast<unsigned char>(ns.front())) &&
                     std::isalnum(static_cast<unsigned char>(ns.back())) &&
                     std::all_of(ns.begin(), ns.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     });
  if (!label)
    throw core::ConfigError(
        fmt::format("k8s.namespace '{}' is not a Kubernetes namespace name", ns),
        "lower-case letters, digits and '-', at most 63, starting and ending with a letter or "
        "digit (e.g. boutique-staging)");
  return ns;
}

std::vector<std::string> kustomize_argv(const fs::path& dir) {
  if (!core::find_program("kubectl").empty()) return {"kubectl", "kustomize", dir.string()};
  if (!core::find_program("kustomize").empty()) return {"kustomize", "build", dir.string()};
  throw core::MissingPrerequisite(
      "rendering the manifests needs kubectl (its built-in kustomize) or a standalone kustomize",
      "install kubectl >= 1.27 or kustomize >= 4.5 (docs/kubernetes.md)");
}

std::string render(core::Context& ctx, const fs::path& overlay, const std::string& tag,
                   const ImageTags& pinned) {
  if (!fs::exists(overlay / "kustomization.yaml"))
    throw core::ConfigError(fmt::format("no kustomization.yaml in overlay {}", overlay.string()),
                            "boutique render --overlay minikube|prod, or set k8s.overlay");
  char tmpl[] = "/tmp/boutique-render-XXXXXX";
  if (!::mkdtemp(tmpl)) throw core::CommandFailed("cannot create a temporary directory");
  const fs::path dir(tmpl);
  struct Cleanup {
    fs::path d;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup{dir};
  // kustomize refuses absolute resource paths: the overlay relative to the wrapper's directory.
  const std::string rel = fs::relative(fs::weakly_canonical(overlay), dir).string();
  core::write_text(dir / "kustomization.yaml",
                   wrapper_kustomization(rel, image_overrides(ctx.config, overlay, tag, pinned),
                                         checked_namespace(ctx.config)));
  const std::vector<std::string> argv = kustomize_argv(dir);
  auto r = ctx.runner->run({argv, {}, {}, 60s, {}});
  core::require_ok(r, argv,
                   fmt::format("check the overlay: {} {} {}", argv[0], argv[1], overlay.string()));
  return r.out;
}

std::string build_tag(core::Context& ctx) {
  return images::plan_tag(ctx.config, images::git_info(*ctx.runner, ctx.config.root())).tag;
}

namespace {
std::vector<std::string> documents(const std::string& yaml) {
  std::vector<std::string> docs(1);
  std::istringstream in(yaml);
  for (std::string line; std::getline(in, line);) {
    if (line == "---") {
      docs.emplace_back();
      continue;
    }
    docs.back() += line + "\n";
  }
  return docs;
}
std::string top_level(const std::string& doc, const std::string& key) {
  std::istringstream in(doc);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  return {};
}
}  // namespace

std::string drop_kinds(const std::string& yaml, const std::vector<std::string>& kinds) {
  std::string out;
  for (const auto& d : documents(yaml)) {
    const std::string kind = top_level(d, "kind");
    if (kind.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) continue;
    if (!out.empty()) out += "---\n";
    out += d;
  }
  return out;
}

std::vector<std::string> object_names(const std::string& yaml) {
  std::vector<std::string> out;
  for (const auto& d : documents(yaml)) {
    const std::string kind = top_level(d, "kind");
    if (kind.empty()) continue;
    std::istringstream in(d);
    std::string name;
    bool meta = false;
    for (std::string line; std::getline(in, line);) {
      if (line == "metadata:")
        meta = true;
      else if (meta && line.rfind("  name: ", 0) == 0) {
        name = line.substr(8);
        break;
      } else if (meta && !line.empty() && line[0] != ' ')
        meta = false;
    }
    out.push_back(kind + "/" + name);
  }
  return out;
}

}  // namespace boutique::targets::k8s
