// The k8s target's images: how they reach each kind of cluster (k8s.cluster), pinned to their
// content. The fixture: k8s_fixture.hpp.
#include <fstream>

#include <nlohmann/json.hpp>

#include "k8s_fixture.hpp"

TEST(K8sCluster, HowImagesReachTheClusterByContextOrSetting) {
  auto is = [](const ClusterKind& c, ClusterKind::Tool tool, const std::string& name) {
    return c.tool == tool && c.name == name;
  };
  EXPECT_TRUE(is(cluster_kind("auto", "minikube"), ClusterKind::minikube, "minikube"));
  EXPECT_TRUE(is(cluster_kind("auto", "kind-dev"), ClusterKind::kind, "dev"));
  EXPECT_TRUE(is(cluster_kind("auto", "k3d-shop"), ClusterKind::k3d, "shop"));
  EXPECT_TRUE(is(cluster_kind("auto", "gke_p_z_c"), ClusterKind::registry, ""));
  EXPECT_TRUE(is(cluster_kind("minikube", "work"), ClusterKind::minikube, "work"))
      << "a minikube profile with another name";
  EXPECT_TRUE(is(cluster_kind("registry", "minikube"), ClusterKind::registry, ""));
  EXPECT_THROW(cluster_kind("docker", "minikube"), core::ConfigError);
}

namespace {

// Deploys both images to `context` of a local cluster (`settings` on top), loaded with `load`
// ARCHIVE `after...`; true when it succeeded.
struct LocalCluster : K8s {
  bool deploys_to(const std::string& context, const std::vector<std::string>& load,
                  const std::vector<std::string>& after,
                  std::map<std::string, std::string> settings = {}) {
    settings["k8s.context"] = context;
    scenario("healthy", "local", settings);
    for (const char* image : {"boutique-api", "boutique-frontend"})
      script_image(image, kImageId, load, after);
    kubectl->script({"kubectl", "--context", context, "apply", "-f", "-"},
                    fake::exited(0, "deployment.apps/backend configured\n"));
    return deploy_error(options()).code() == core::ExitCode::ok;
  }
  std::string archive(const std::string& image) const {
    return (state / "k8s-images" / (image + ".tar")).string();
  }
};

}  // namespace

// kind: each image pinned to its ID, saved by the engine that built it (podman here), then
// `kind load image-archive` into the cluster the context names; the archive goes afterwards.
TEST_F(LocalCluster, KindLoadsTheImagesFromAnArchive) {
  ASSERT_TRUE(deploys_to("kind-dev", {"kind", "load", "image-archive"}, {"--name", "dev"}));
  EXPECT_TRUE(
      ran({"kind", "load", "image-archive", archive("boutique-frontend"), "--name", "dev"}));
  EXPECT_FALSE(fs::exists(archive("boutique-api"))) << "archive left behind";
}

// k3d: the same archive, imported with `k3d image import ... -c NAME` into the cluster the
// context names (k3d-NAME); a minikube profile with another name: `minikube -p PROFILE` — and,
// with no --yes and no terminal, no question: k8s.cluster says it is a local minikube.
TEST_F(LocalCluster, K3dAndMinikubeProfilesLoadIntoTheirCluster) {
  ASSERT_TRUE(deploys_to("k3d-shop", {"k3d", "image", "import"}, {"-c", "shop"}));
  EXPECT_TRUE(ran({"k3d", "image", "import", archive("boutique-api"), "-c", "shop"}));
  ASSERT_TRUE(deploys_to("work", {"minikube", "-p", "work", "image", "load"}, {},
                         {{"k8s.cluster", "minikube"}}));
  EXPECT_TRUE(ran({"minikube", "-p", "work", "image", "load", archive("boutique-frontend")}));
}

// What is applied names each image by its content: the same image, the same reference (no
// rollout); a rebuilt one — a second dirty build keeps the tag — another (a new ReplicaSet).
TEST_F(K8s, EveryBuildDeploysAnImmutableReference) {
  scenario("healthy");
  EXPECT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  EXPECT_TRUE(contains(applied(), std::string("image: boutique-api:") + kPinned)) << applied();
  EXPECT_TRUE(contains(applied(), std::string("image: boutique-frontend:") + kPinned));
  EXPECT_FALSE(contains(applied(), std::string("image: boutique-api:") + kTag + "\n"));

  const std::string rebuilt = "99aa3b9c1d2a7788990011223344556677889900aabbccddeeff001122334455";
  script_image("boutique-api", rebuilt, {"minikube", "-p", "minikube", "image", "load"});
  EXPECT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  EXPECT_TRUE(contains(applied(), std::string("image: boutique-api:") + kTag + "-99aa3b9c1d2a"))
      << applied();
  EXPECT_TRUE(contains(applied(), std::string("image: boutique-frontend:") + kPinned))
      << "the unchanged image keeps its reference";
}

// An image that is not built: deploy says so before anything is applied.
TEST_F(K8s, AnImageNotBuiltStopsBeforeTheApply) {
  scenario("healthy");
  kubectl->script(
      {"podman", "image", "inspect", "--format", "{{.Id}}", std::string("boutique-api:") + kTag},
      fake::exited(125, "", "Error: boutique-api: image not known\n"));
  const auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::missing_prereq) << e.what();
  EXPECT_TRUE(contains(e.hint(), "boutique build")) << e.hint();
  EXPECT_FALSE(ran({"kubectl", "--context", "minikube", "apply", "-f", "-"}));
}

namespace {

const std::string kRegistry = "registry.example.com/shop";

// A remote cluster (context gke_p_z_shop, deploys confirmed) pulling from kRegistry.
struct RegistryCluster : K8s {
  void registry_cluster(std::map<std::string, std::string> settings = {}) {
    settings["k8s.context"] = "gke_p_z_shop";
    settings["images.registry"] = kRegistry;
    scenario("healthy", "local", settings);
    ctx->assume_yes = true;  // not a local cluster: deploy would ask
    kubectl->script({"kubectl", "--context", "gke_p_z_shop", "apply", "-f", "-"},
                    fake::exited(0, "deployment.apps/backend configured\n"));
  }
};

}  // namespace

// A registry cluster pulls what `boutique build --push` pushed: each image by the digest recorded
// for this build's tag (the registry's name for exactly that build), nothing loaded or retagged.
TEST_F(RegistryCluster, DeploysThePushedDigests) {
  registry_cluster();
  const std::string api = "sha256:" + std::string(64, 'a'), web = "sha256:" + std::string(64, 'b');
  fs::create_directories(state / "images");
  std::ofstream(state / "images" / "pushed.json") << nlohmann::json{
      {kRegistry + "/boutique-api:" + kTag, api},
      {kRegistry + "/boutique-frontend:" + kTag, web}}.dump();
  EXPECT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  EXPECT_TRUE(contains(applied(), "image: " + kRegistry + "/boutique-api@" + api)) << applied();
  EXPECT_TRUE(contains(applied(), "image: " + kRegistry + "/boutique-frontend@" + web))
      << applied();
  for (const auto& argv : kubectl->ran)
    EXPECT_NE(argv[0], "podman") << "nothing tagged, saved or loaded: " << core::display(argv);
}

// Without a recorded digest: a commit's tag is deployed as it is (said so); a -dirty tag, which
// every dirty build re-pushes, is refused before anything is applied.
TEST_F(RegistryCluster, WithoutADigestDeploysACommitTagButNotADirtyOne) {
  registry_cluster();
  EXPECT_EQ(deploy_error(options()).code(), core::ExitCode::ok);
  EXPECT_TRUE(contains(applied(), "image: " + kRegistry + "/boutique-api:" + kTag)) << applied();

  registry_cluster({{"images.tag", "abc-dirty"}});
  const auto e = deploy_error(options());
  EXPECT_EQ(e.code(), core::ExitCode::missing_prereq) << e.what();
  EXPECT_TRUE(
      contains(e.what(), kRegistry + "/boutique-api:abc-dirty was not pushed from this checkout"))
      << e.what();
  EXPECT_TRUE(contains(e.hint(), "boutique build --push")) << e.hint();
  EXPECT_FALSE(ran({"kubectl", "--context", "gke_p_z_shop", "apply", "-f", "-"}));
}
