#pragma once
// The K8s fixture of the k8s target's tests (k8s_deploy_test.cpp, k8s_status_test.cpp), at the
// ProcessRunner seam: kubectl answers with the real kubectl 1.32 outputs recorded in
// manifests/tests/fixtures/kubectl (replayed as recorded, see kubectl_fixtures.hpp); `kubectl
// kustomize` and git are the real programs (offline).
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <map>

#include "commands/up.hpp"
#include "core/context.hpp"
#include "core/errors.hpp"
#include "fake_runner.hpp"
#include "free_port.hpp"
#include "http_stub.hpp"
#include "kubectl_fixtures.hpp"
#include "targets/k8s/cluster.hpp"
#include "targets/k8s/k8s_target.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace boutique;
using namespace boutique::targets::k8s;
using boutique::targets::DeployOptions;
using fake::ScriptedKubectl;

constexpr const char* kTag = "test-tag-0123";
// What `podman image inspect --format {{.Id}}` says of both images, and the tag deploy pins them
// to.
constexpr const char* kImageId = "5f2e3b9c1d2a7788990011223344556677889900aabbccddeeff001122334455";
constexpr const char* kPinned = "test-tag-0123-5f2e3b9c1d2a";

struct K8s : ::testing::Test {
  fs::path state;
  fs::path project = BOUTIQUE_SOURCE_DIR;  // the configuration's root: the manifests, the sources
  ScriptedKubectl* kubectl = nullptr;
  std::unique_ptr<core::Context> ctx;
  std::chrono::steady_clock::time_point clock{};  // the fake clock of the rollout wait
  int polls = 0;
  // Where kubectl port-forward says it listens, for each NodePort Service: nothing does, unless
  // the test starts an HttpStub there.
  int api_forward = 0, web_forward = 0;

  void SetUp() override {
    char tmpl[] = "/tmp/boutique-k8s-test-XXXXXX";
    state = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(state); }

  // The context of a test: this state directory, the build's tag, podman, `target`, `settings`
  // over them; commands run by `runner`.
  void make_context(std::unique_ptr<core::ProcessRunner> runner, const std::string& target,
                    const std::map<std::string, std::string>& settings) {
    core::LoadInputs in;
    in.cwd = project;
    in.discover = false;
    in.getenv = [](const std::string&) { return std::nullopt; };
    // podman: no `docker version` to answer when an engine is chosen (it is installed here).
    in.flags = {{"images.tag", kTag},
                {"state_dir", state.string()},
                {"target", target},
                {"images.engine", "podman"}};
    for (const auto& [k, v] : settings) in.flags[k] = v;
    ctx = std::make_unique<core::Context>(
        core::Context{core::Config::load(in), std::move(runner),
                      std::make_unique<core::Progress>(core::Progress::Mode::quiet, false)});
  }

  void scenario(const std::string& name, const std::string& target = "local",
                const std::map<std::string, std::string>& settings = {}) {
    auto r = std::make_unique<ScriptedKubectl>(name);
    kubectl = r.get();
    // deploy pins each image to its ID, then loads it into minikube through an archive (podman).
    for (const char* image : {"boutique-api", "boutique-frontend"})
      script_image(image, kImageId, {"minikube", "-p", "minikube", "image", "load"});
    kubectl->script({"minikube", "-p", "minikube", "ip"}, fake::exited(0, "127.0.0.1\n"));
    api_forward = fixture::free_port();
    web_forward = fixture::free_port();
    const auto ns = settings.count("k8s.namespace") ? settings.at("k8s.namespace") : "boutique";
    kubectl->alongside(port_forward("backend-service", 5000, ns),
                       {fmt::format("Forwarding from 127.0.0.1:{} -> 5000", api_forward)});
    kubectl->alongside(port_forward("frontend-service", 5173, ns),
                       {fmt::format("Forwarding from 127.0.0.1:{} -> 5173", web_forward)});
    kubectl->script({"kubectl", "--context", "minikube", "apply", "-f", "-"},
                    fake::exited(0, "deployment.apps/backend configured\n"));
    make_context(std::move(r), target, settings);
  }

  // The argv of the status's port-forward to a Service, after `kubectl --context CTX`.
  static std::vector<std::string> port_forward(const std::string& service, int port,
                                               const std::string& ns = "boutique") {
    return {"port-forward",           "-n",        ns,          "svc/" + service,
            fmt::format(":{}", port), "--address", "127.0.0.1", "--pod-running-timeout=15s"};
  }

  // podman's answers for one image of this build: its ID, the pinned tag, the archive; then
  // `load` + the archive (minikube image load, kind load image-archive ... --name N, ...).
  void script_image(const std::string& image, const std::string& id, std::vector<std::string> load,
                    const std::vector<std::string>& after = {}) {
    const std::string ref = image + ":" + kTag;
    const std::string pinned = image + ":" + kTag + "-" + id.substr(0, 12);
    const std::string archive = (state / "k8s-images" / (image + ".tar")).string();
    kubectl->script({"podman", "image", "inspect", "--format", "{{.Id}}", ref},
                    fake::exited(0, id + "\n"));
    kubectl->script({"podman", "tag", ref, pinned}, fake::exited(0));
    kubectl->script({"podman", "save", "-o", archive, pinned}, fake::exited(0));
    load.push_back(archive);
    load.insert(load.end(), after.begin(), after.end());
    kubectl->script(load, fake::exited(0));
  }

  // The doctor's questions to the tools it finds on PATH, and the contexts kubectl knows.
  void script_doctor_tools() {
    for (const char* program : {"kubectl", "minikube"})
      if (auto path = core::find_program(program); !path.empty())
        kubectl->script(
            {path.string(), "version", program == std::string("kubectl") ? "--client" : "--short"},
            fake::exited(0, "v1.32.0\n"));
    kubectl->script({"kubectl", "config", "get-contexts", "-o", "name"},
                    fake::exited(0, "minikube\n"));
  }

  DeployOptions options(std::chrono::seconds timeout = 300s) {
    DeployOptions o;
    o.timeout = timeout;
    o.now = [this] { return clock; };
    o.sleep = [this](std::chrono::milliseconds d) {
      clock += d;
      ++polls;
      ASSERT_LT(polls, 1000) << "the wait does not end";
    };
    return o;
  }

  // Deploys; returns the error it ends with (code ok when none).
  core::Error deploy_error(DeployOptions o) {
    try {
      K8sTarget(*ctx).deploy(o);
    } catch (const core::Error& e) {
      return e;
    }
    return core::Error(core::ExitCode::ok, "");
  }

  // What the last `kubectl apply -f -` was given (empty: none ran).
  std::string applied() const {
    std::string yaml;
    for (const auto& c : kubectl->commands)
      if (c.argv.size() > 3 && c.argv[3] == "apply") yaml = c.input;
    return yaml;
  }

  bool ran(const std::vector<std::string>& argv) const {
    return std::find(kubectl->ran.begin(), kubectl->ran.end(), argv) != kubectl->ran.end();
  }
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline const core::Check* find_check(const std::vector<core::Check>& checks,
                                     const std::string& name) {
  for (const auto& c : checks)
    if (c.check == name) return &c;
  return nullptr;
}
