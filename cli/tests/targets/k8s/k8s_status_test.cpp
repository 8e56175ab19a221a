// The k8s target, status, down, secrets and the stack's HTTP rows.
// The fixture: k8s_fixture.hpp.
#include "k8s_fixture.hpp"
#include "probes/stack.hpp"

// minikube's node answers on the NodePorts (the recorded Services': 30500, 30173): the HTTP checks
// go there, and no port-forward starts.
TEST_F(K8s, StatusReadsDeploymentsPvcEndpointsAndNodePorts) {
  scenario("healthy");
  const int migration = probes::latest_migration(BOUTIQUE_SOURCE_DIR);
  fixture::HttpStub api(30500, fixture::HttpStub::api(migration));
  fixture::HttpStub web(30173, fixture::HttpStub::web(migration));
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
  EXPECT_TRUE(c->ok);
  EXPECT_EQ(c->detail, "http://127.0.0.1:30173");
  ASSERT_TRUE(c = find_check(checks, "readyz"));
  EXPECT_TRUE(c->ok) << c->detail;
  EXPECT_TRUE(contains(c->detail, "GET http://127.0.0.1:30500/readyz")) << c->detail;
  EXPECT_TRUE(core::all_ok(checks));
  EXPECT_GE(web.requests(), 2) << "the page and the proxied /api/info";
  EXPECT_TRUE(kubectl->started.empty()) << "no port-forward when the NodePorts answer";
  EXPECT_FALSE(find_check(checks, "port-forward backend-service"));
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
  // deploy's diagnosis, on one line: the pod, the reason, the last log line; its hint.
  EXPECT_TRUE(
      c->detail.starts_with("0/2 ready, 8 restarts; pod backend-t7gxn6qn29-qdhwv: "
                            "CrashLoopBackOff (restarted 4 times, last exit code 2)"))
      << c->detail;
  EXPECT_TRUE(contains(c->detail, "BOUTIQUE_THREADS='two'")) << c->detail;
  EXPECT_TRUE(contains(c->hint, "the container exits at start")) << c->hint;
  EXPECT_FALSE(contains(c->hint, "boutique deploy (names")) << "status names the cause itself";
  ASSERT_TRUE(c = find_check(checks, "endpoints backend-service"));
  EXPECT_FALSE(c->ok);
  EXPECT_FALSE(core::all_ok(checks));
}

TEST_F(K8s, StatusSaysWhyImagesAndSchedulingFail) {
  scenario("image-never-pull");
  auto checks = K8sTarget(*ctx).status();
  const core::Check* c = find_check(checks, "deployment backend");
  ASSERT_TRUE(c);
  EXPECT_TRUE(contains(c->detail, "ErrImageNeverPull")) << c->detail;
  EXPECT_TRUE(contains(c->detail, "boutique-api:")) << "names the image: " << c->detail;
  EXPECT_TRUE(contains(c->hint, "boutique build, then boutique deploy")) << c->hint;

  scenario("unschedulable");
  checks = K8sTarget(*ctx).status();
  ASSERT_TRUE(c = find_check(checks, "deployment frontend"));
  EXPECT_TRUE(contains(c->detail, "Unschedulable (0/1 nodes are available: 1 Insufficient cpu."))
      << c->detail;
}

// A fix deployed after a crash: the crashed pods of the revision being replaced (one terminating)
// are not the rollout's; status shows the new pods starting, no CrashLoopBackOff.
TEST_F(K8s, StatusJudgesOnlyTheCurrentReplicaSet) {
  scenario("fix-forward");
  auto checks = K8sTarget(*ctx).status();
  const core::Check* c = find_check(checks, "deployment backend");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->ok);
  EXPECT_EQ(c->detail, "0/2 ready, 0 restarts")
      << "the old pods' 8 restarts are not this rollout's";
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
