// The k8s target against a cluster that keeps its state across calls (fake_cluster.hpp): what a
// redeploy, a fix-forward, --atomic and another namespace do to Deployments, ReplicaSets and pods.
// The images reach a minikube cluster through podman's archive, as in k8s_images_test.cpp.
#include <cstdio>
#include <cstdlib>

#include "commands/dev.hpp"
#include "core/files.hpp"
#include "fake_cluster.hpp"
#include "k8s_fixture.hpp"
#include "probes/stack.hpp"

namespace {

using fake::FakeCluster;

struct Cluster : K8s {
  FakeCluster* cluster = nullptr;

  void start(const std::map<std::string, std::string>& settings = {}) {
    auto r = std::make_unique<FakeCluster>();
    cluster = r.get();
    make_context(std::move(r), "local", settings);
    build("boutique-api", kImageId);
    build("boutique-frontend", kImageId);
  }

  // podman's store holds this build's `image` with ID `id` (what deploy pins and loads); returns
  // the reference deploy renders.
  std::string build(const std::string& image, const std::string& id) {
    const std::string ref = image + ":" + kTag;
    const std::string pinned = ref + "-" + id.substr(0, 12);
    const std::string archive = (state / "k8s-images" / (image + ".tar")).string();
    cluster->script({"podman", "image", "inspect", "--format", "{{.Id}}", ref},
                    fake::exited(0, id + "\n"));
    cluster->script({"podman", "tag", ref, pinned}, fake::exited(0));
    cluster->script({"podman", "save", "-o", archive, pinned}, fake::exited(0));
    cluster->script({"minikube", "-p", "minikube", "image", "load", archive}, fake::exited(0));
    return pinned;
  }

  std::string applied_output() const {
    for (auto it = cluster->commands.rbegin(); it != cluster->commands.rend(); ++it)
      if (it->argv.size() > 3 && it->argv[3] == "apply") return it->input;
    return {};
  }
};

const std::string kRebuilt = "77bb3b9c1d2a7788990011223344556677889900aabbccddeeff001122334455";
const std::string kFixed = "88cc3b9c1d2a7788990011223344556677889900aabbccddeeff001122334455";

}  // namespace

// Deploying the same images again changes nothing: same pod template, no new ReplicaSet, the
// pods stay; kubectl says `unchanged`.
TEST_F(Cluster, TheSameImagesTwiceMakeNoNewReplicaSet) {
  start();
  ASSERT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  const auto replicasets = cluster->replicasets("boutique", "backend");
  const auto pods = cluster->pods("boutique", "backend");
  ASSERT_EQ(replicasets.size(), 1u);
  ASSERT_EQ(pods.size(), 2u);
  const auto rep = K8sTarget(*ctx).deploy(options());
  EXPECT_TRUE(contains(rep.applied, "deployment.apps/backend unchanged")) << rep.applied;
  EXPECT_EQ(cluster->replicasets("boutique", "backend"), replicasets);
  EXPECT_EQ(cluster->pods("boutique", "backend"), pods) << "no pod was replaced";
}

// A rebuilt API image is exactly one rollout: a second ReplicaSet (revision 2) for the backend, its
// new pods replace the old ones; the frontend, unchanged, keeps its one ReplicaSet.
TEST_F(Cluster, AChangedImageIsExactlyOneRollout) {
  start();
  ASSERT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  const std::string rebuilt = build("boutique-api", kRebuilt);
  const auto rep = K8sTarget(*ctx).deploy(options());
  EXPECT_TRUE(contains(rep.applied, "deployment.apps/backend configured")) << rep.applied;
  EXPECT_TRUE(contains(rep.applied, "deployment.apps/frontend unchanged")) << rep.applied;
  const auto replicasets = cluster->replicasets("boutique", "backend");
  ASSERT_EQ(replicasets.size(), 2u);
  std::vector<std::string> revisions;
  for (const auto& [_, r] : replicasets) revisions.push_back(r);
  std::sort(revisions.begin(), revisions.end());
  EXPECT_EQ(revisions, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(cluster->replicasets("boutique", "frontend").size(), 1u);
  EXPECT_EQ(cluster->image("boutique", "backend"), rebuilt);
  // One more step of the cluster: the old pods, terminating when the rollout completed, are gone.
  cluster->run(
      {{"kubectl", "--context", "minikube", "get", "deployments", "-n", "boutique", "-o", "json"},
       {},
       {},
       std::chrono::seconds(5),
       {}});
  for (const auto& [pod, image] : cluster->pods("boutique", "backend"))
    EXPECT_EQ(image, rebuilt) << pod;
}

// A deploy whose API crashes fails with the cause; the fix deployed next succeeds although the
// crashed pods of the revision it replaces are still there while it rolls out.
TEST_F(Cluster, AFixForwardAfterACrashLoopSucceeds) {
  start();
  cluster->image_starts(std::string("boutique-api:") + kPinned, FakeCluster::Start::crash);
  const auto crashed = deploy_error(options());
  EXPECT_EQ(crashed.code(), core::ExitCode::command_failed) << crashed.what();
  EXPECT_TRUE(contains(crashed.what(), "CrashLoopBackOff")) << crashed.what();
  EXPECT_TRUE(contains(crashed.what(), "BOUTIQUE_THREADS"))
      << "the crash's log: " << crashed.what();

  const std::string fixed = build("boutique-api", kFixed);
  int crashed_seen = 0;
  auto o = options();
  o.sleep = [&](std::chrono::milliseconds d) {  // between polls: the old crashed pods are there
    clock += d;
    for (const auto& [pod, image] : cluster->pods("boutique", "backend"))
      crashed_seen += image == std::string("boutique-api:") + kPinned;
    ASSERT_LT(++polls, 1000);
  };
  EXPECT_EQ(deploy_error(o).code(), core::ExitCode::ok);
  EXPECT_GT(crashed_seen, 0) << "the rollout never ran next to the crashed pods";
  EXPECT_EQ(cluster->image("boutique", "backend"), fixed);
}

// --atomic: the rollout of a crashing image fails, and the Deployment is rolled back to the
// revision it had (whose ReplicaSet becomes revision 3, as Kubernetes numbers an undo).
TEST_F(Cluster, AtomicUndoesAFailedRollout) {
  start();
  ASSERT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  const std::string good = cluster->image("boutique", "backend");
  const std::string broken = build("boutique-api", kRebuilt);
  cluster->image_starts(broken, FakeCluster::Start::crash);
  auto o = options();
  o.atomic = true;
  const auto e = deploy_error(o);
  EXPECT_EQ(e.code(), core::ExitCode::command_failed) << e.what();
  EXPECT_TRUE(contains(e.what(), "--atomic: rolled deployment/backend back to revision 1"))
      << e.what();
  EXPECT_EQ(cluster->image("boutique", "backend"), good);
  cluster->run(
      {{"kubectl", "--context", "minikube", "get", "deployments", "-n", "boutique", "-o", "json"},
       {},
       {},
       std::chrono::seconds(5),
       {}});
  std::map<std::string, std::string> by_revision;
  for (const auto& [rs, revision] : cluster->replicasets("boutique", "backend"))
    by_revision[revision] = rs;
  EXPECT_TRUE(by_revision.count("3")) << "the undone-to ReplicaSet is the newest revision";
  for (const auto& [pod, image] : cluster->pods("boutique", "backend"))
    if (image == broken) ADD_FAILURE() << pod << " of the failed revision still runs";
}

// k8s.namespace: everything is applied there and nothing in `boutique`; status reads it there.
TEST_F(Cluster, ANonDefaultNamespaceDeploysAndReportsThere) {
  start({{"k8s.namespace", "shop-staging"}});
  ASSERT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  EXPECT_TRUE(cluster->has_namespace("shop-staging"));
  EXPECT_FALSE(cluster->has_namespace("boutique"));
  EXPECT_EQ(cluster->pods("shop-staging", "backend").size(), 2u);
  EXPECT_TRUE(cluster->pods("boutique", "backend").empty());
  cluster->script({"minikube", "-p", "minikube", "ip"}, fake::exited(0, "127.0.0.1\n"));
  const int migration = probes::latest_migration(BOUTIQUE_SOURCE_DIR);
  fixture::HttpStub api(30500, fixture::HttpStub::api(migration));
  fixture::HttpStub web(30173, fixture::HttpStub::web(migration));
  const auto checks = K8sTarget(*ctx).status();
  const core::Check* c = find_check(checks, "deployment backend");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->ok) << c->detail;
  EXPECT_EQ(c->detail, "2/2 ready, 0 restarts");
  ASSERT_TRUE(c = find_check(checks, "endpoints backend-service"));
  EXPECT_EQ(c->detail, "2 ready, 0 not ready");
  for (const auto& argv : cluster->ran) {
    if (argv.size() > 6 && argv[3] == "get") {
      EXPECT_EQ(argv[6], "shop-staging") << core::display(argv);
    }
  }
}

// `boutique dev` on a cluster (issue 17), the loop after `up`: a save in api/ runs `build` and
// `deploy` — one rollout, of the API only, whose image changed (here: podman has it under this
// build's tag with a new ID, as a rebuild leaves it) — then the status checks, through
// port-forwards to stand-ins for the pods; a save whose images did not change makes no rollout.
TEST_F(Cluster, DevRedeploysWhatChangedOnSave) {
  project = state / "project";
  fs::create_directories(project / "api" / "src");
  fs::create_directories(project / "frontend" / "src");
  fs::create_directory_symlink(fs::path(BOUTIQUE_SOURCE_DIR) / "manifests", project / "manifests");
  start();
  ASSERT_EQ(deploy_error(options()).code(), core::ExitCode::ok);     // what `up` left running
  for (const char* image : {"boutique-api", "boutique-frontend"}) {  // `build` finds them
    const std::string ref = std::string(image) + ":" + kTag;
    cluster->script({"podman", "image", "inspect", "--format", "{{.Size}}", ref},
                    fake::exited(0, "95000000\n"));
    cluster->script({"podman", "tag", ref, std::string(image) + ":latest"}, fake::exited(0));
  }
  cluster->script({"minikube", "-p", "minikube", "ip"}, fake::exited(1, "", "no node address"));
  const int migration = probes::latest_migration(BOUTIQUE_SOURCE_DIR);
  fixture::HttpStub api(fixture::free_port(), fixture::HttpStub::api(migration));
  fixture::HttpStub web(fixture::free_port(), fixture::HttpStub::web(migration));
  cluster->forward("backend-service", api.port());
  cluster->forward("frontend-service", web.port());

  char* printed = nullptr;
  std::size_t printed_size = 0;
  ctx->out = ::open_memstream(&printed, &printed_size);
  auto said = [&](const std::string& what) {
    std::fflush(ctx->out);
    std::size_t n = 0;
    for (auto at = std::string(printed).find(what); at != std::string::npos;
         at = std::string(printed).find(what, at + 1))
      ++n;
    return n;
  };
  int step = 0;
  std::string api_image;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  auto stop = [&] {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the loop did not get there; it printed:\n" << printed;
      return true;
    }
    if (step == 0) {  // the watcher is set up: save, the API image rebuilt
      api_image = build("boutique-api", kRebuilt);
      core::write_text(project / "api" / "src" / "handler.cpp", "int f() { return 1; }\n");
      step = 1;
    } else if (step == 1 && said("redeployed and healthy") == 1) {
      core::write_text(project / "frontend" / "src" / "App.tsx", "export {};\n");
      step = 2;
    }
    return step == 2 && said("redeployed and healthy") == 2;
  };
  K8sTarget target(*ctx);
  commands::redeploy_on_save(target, {}, "", *ctx, stop);
  std::fclose(ctx->out);
  ctx->out = stdout;
  const std::string out = printed;
  std::free(printed);
  EXPECT_TRUE(contains(out, "api/src/handler.cpp saved: rebuilding the api image")) << out;
  EXPECT_TRUE(contains(out, "frontend/src/App.tsx saved: rebuilding the web image")) << out;
  EXPECT_FALSE(contains(out, "not redeployed")) << out;
  EXPECT_EQ(cluster->replicasets("boutique", "backend").size(), 2u) << "one rollout, at the save";
  EXPECT_EQ(cluster->replicasets("boutique", "frontend").size(), 1u) << "its image never changed";
  EXPECT_EQ(cluster->image("boutique", "backend"), api_image);
}
