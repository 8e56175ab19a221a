// Fuzz target: what the k8s target reads from kubectl. The same text goes to every reader:
// `kubectl get deployments|pods|pvc|services|endpoints|events -o json` (parse_*), `kubectl version
// -o json` (server_version), and the YAML of `kubectl kustomize` (drop_kinds, object_names); then
// to what `boutique deploy` and `status` compute from the parsed lists (diagnose, pending_summary,
// pods_of, restarts).
// Invariants: a reader fails only with CommandFailed (exit 4, "kubectl printed something that is
// not a JSON list"); anything else would reach main() as "internal error (a bug)". A list parses
// to one entry per item. drop_kinds keeps exactly the objects of the other kinds, in order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "fuzz_check.hpp"
#include "targets/k8s/cluster.hpp"
#include "targets/k8s/kubectl.hpp"

namespace {

using namespace boutique;
using namespace boutique::targets::k8s;

// items.size() when the text is kubectl's List JSON, else nothing.
std::optional<std::size_t> item_count(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("items") || !j["items"].is_array())
    return std::nullopt;
  return j["items"].size();
}

template <typename F>
auto parse_or_fail(F parse, const std::string& text, const char* what)
    -> std::optional<decltype(parse(text))> {
  try {
    return parse(text);
  } catch (const core::CommandFailed& e) {
    FUZZ_CHECK(!std::string(e.what()).empty(), what);
    return std::nullopt;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string(what) +
                          ": not a CommandFailed (main() says 'internal error'): " + e.what());
  }
  return std::nullopt;
}

void check_kustomize_yaml(const std::string& text) {
  const auto names = object_names(text);
  FUZZ_CHECK(object_names(drop_kinds(text, {})) == names, "drop_kinds({}) lost or changed objects");
  for (const auto& name : names) FUZZ_CHECK(name.find('/') != std::string::npos, name);
  // "kind/name" cannot be split back when a kind or a name has a '/' (no real one does).
  for (const auto& name : names)
    if (name.find('/') != name.rfind('/')) return;
  for (const auto& name : names) {
    const std::string kind = name.substr(0, name.find('/'));
    std::vector<std::string> kept;
    for (const auto& n : names)
      if (n.substr(0, n.find('/')) != kind) kept.push_back(n);
    FUZZ_CHECK(object_names(drop_kinds(text, {kind})) == kept, "drop_kinds({" + kind + "})");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::text(data, size);
  const auto count = item_count(text);

  const auto deployments = parse_or_fail(parse_deployments, text, "parse_deployments");
  const auto pods = parse_or_fail(parse_pods, text, "parse_pods");
  const auto pvcs = parse_or_fail(parse_pvcs, text, "parse_pvcs");
  const auto services = parse_or_fail(parse_services, text, "parse_services");
  const auto endpoints = parse_or_fail(parse_endpoints, text, "parse_endpoints");
  const auto events = parse_or_fail(parse_events, text, "parse_events");
  const auto replicasets = parse_or_fail(parse_replicasets, text, "parse_replicasets");
  FUZZ_CHECK(deployments.has_value() == count.has_value(), "List JSON accepted iff it is one");
  if (count) {
    FUZZ_CHECK(deployments->size() == *count && pods->size() == *count && pvcs->size() == *count &&
                   services->size() == *count && endpoints->size() == *count &&
                   events->size() == *count && replicasets->size() == *count,
               "one entry per item");
    // The rollout's own pods: a subset of the pods, none terminating, each of a Deployment.
    const auto live = current_pods(*deployments, *replicasets, *pods);
    FUZZ_CHECK(live.size() <= pods->size() * std::max<std::size_t>(1, deployments->size()),
               "current_pods");
    for (const auto& p : live) FUZZ_CHECK(!p.terminating, "current_pods: no terminating pod");
    for (const auto& d : *deployments) {
      (void)d.complete();
      long long restarts = 0;  // as K8sTarget::status() adds them up
      for (const Pod* p : pods_of(d, *pods)) restarts += p->restarts();
      (void)restarts;
    }
    for (const bool grace_over : {false, true}) {
      if (const auto f = diagnose(*deployments, *pods, *pvcs, grace_over)) {
        FUZZ_CHECK(!f->kind.empty() && !f->reason.empty(), "a failure names its object and reason");
        FUZZ_CHECK(f->code != core::ExitCode::ok && f->code != core::ExitCode::internal,
                   "exit code class");
      }
    }
    FUZZ_CHECK(pending_summary(*deployments, *pods).size() <= deployments->size(),
               "pending_summary");
  }
  (void)server_version(text);
  check_kustomize_yaml(text);
  return 0;
}
