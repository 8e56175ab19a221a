// `boutique build` at the ProcessRunner seam: engine detection, tags, skip-existing, --force,
// dirty trees, --push, failures. Every answer is a real program's recorded output
// (fixtures/containers, see record.sh).
#include <boutique/build_info.hpp>

#include <fstream>

#include "compose_support.hpp"
#include "core/errors.hpp"
#include "images/builder.hpp"
#include "state/state_dir.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace boutique::images;
using fake::recorded;

namespace {

const std::string kSha = "035e541b4e4c";

std::vector<std::string> docker_version() {
  return {"docker", "version", "--format", "{{json .Server}}"};
}

// A Docker engine's answer: the recorded podman-socket answer without podman's component.
core::Result docker_daemon_answer() {
  auto j = nlohmann::json::parse(recorded("docker-version-podman-socket").out);
  j["Components"] = nlohmann::json::array({{{"Name", "Engine"}, {"Version", "28.2.2"}}});
  return fake::ok_out(j.dump() + "\n");
}

void expect_git(fake::FakeRunner& f, const fs::path& root, bool dirty) {
  const std::string r = root.string();
  f.expect({"git", "-C", r, "rev-parse", "--short=12", "HEAD"}, fake::ok_out(kSha + "\n"));
  f.expect({"git", "-C", r, "status", "--porcelain", "--untracked-files=no"},
           fake::ok_out(dirty ? " M cli/src/main.cpp\n" : ""));
  f.expect({"git", "-C", r, "remote", "get-url", "origin"},
           fake::exited(2, "", "error: No such remote 'origin'\n"));
}

std::vector<std::string> inspect(const std::string& ref) {
  return {"podman", "image", "inspect", "--format", "{{.Size}}", ref};
}

std::vector<std::string> podman_build(const fs::path& root, const std::string& component,
                                      const std::vector<std::string>& tags,
                                      const std::string& revision) {
  std::vector<std::string> argv = {"podman",         "build",    "--pull=never",
                                   "--network=host", "--format", "docker"};
  if (component == "api") {
    argv.insert(argv.end(), {"-f", (root / "api" / "Dockerfile").string()});
  } else {
    argv.insert(argv.end(), {"-f", (root / "frontend" / "Dockerfile").string()});
    argv.insert(argv.end(), {"--target", "web-dist"});
  }
  for (const auto& t : tags) argv.insert(argv.end(), {"-t", t});
  argv.insert(argv.end(), {"--build-arg", "REVISION=" + revision, "--build-arg",
                           std::string("VERSION=") + build::version()});
  argv.push_back(component == "api" ? root.string() : (root / "frontend").string());
  return argv;
}

class Build : public ::testing::Test {
 protected:
  fake::TempProject project;
  fake::FakeRunner* runner = nullptr;
  core::Context ctx(std::map<std::string, std::string> flags = {}) {
    flags.emplace("images.engine", "podman");
    return fake::compose_context(project.root, runner, flags);
  }
  // A clean commit's API image, already built: found, then tagged latest and under `reg`.
  std::string expect_api_tagged_for(const std::string& reg) {
    expect_git(*runner, project.root, false);
    const std::string local = "boutique-api:" + kSha;
    runner->expect(inspect(local), recorded("podman-image-size"));
    runner->expect({"podman", "tag", local, "boutique-api:latest"}, fake::ok_out(""));
    runner->expect({"podman", "tag", local, reg + "/" + local}, fake::ok_out(""));
    runner->expect({"podman", "tag", local, reg + "/boutique-api:latest"}, fake::ok_out(""));
    return local;
  }
  BuildReport build(core::Context& c, BuildRequest req) {
    Engine engine(*c.runner, EngineKind::podman);
    return Builder(c, engine).build(req);
  }
};

}  // namespace

TEST(EngineDetection, ParsesWhoAnswersDockerVersion) {
  EXPECT_EQ(parse_docker_server(recorded("docker-version-no-daemon")), DockerServer::none);
  EXPECT_EQ(parse_docker_server(recorded("docker-version-podman-socket")), DockerServer::podman);
  EXPECT_EQ(parse_docker_server(docker_daemon_answer()), DockerServer::docker);
}

TEST(EngineDetection, AutoPrefersAnAnsweringDockerEngine) {
  fake::FakePath path({"docker", "podman"});
  fake::FakeRunner f;
  f.expect(docker_version(), docker_daemon_answer());
  auto c = choose_engine(f, "auto", "built-in");
  EXPECT_EQ(c.kind, EngineKind::docker);
  EXPECT_EQ(c.why, "auto: a Docker engine answers");
}

TEST(EngineDetection, AutoFallsBackToPodmanWithoutDockerDaemon) {
  fake::FakePath path({"docker", "podman"});
  fake::FakeRunner f;
  f.expect(docker_version(), recorded("docker-version-no-daemon"));
  auto c = choose_engine(f, "auto", "built-in");
  EXPECT_EQ(c.kind, EngineKind::podman);
  EXPECT_NE(c.why.find("no Docker engine answers"), std::string::npos);
}

TEST(EngineDetection, AutoWithoutDockerCliAsksNothing) {
  fake::FakePath path({"podman"});
  fake::FakeRunner f;
  EXPECT_EQ(choose_engine(f, "auto", "built-in").kind, EngineKind::podman);
  EXPECT_TRUE(f.ran.empty());
}

TEST(EngineDetection, ExplicitChoicesFailClearly) {
  {
    fake::FakePath path({"docker"});
    fake::FakeRunner f;
    try {
      choose_engine(f, "podman", "--engine");
      FAIL() << "podman is not installed";
    } catch (const core::MissingPrerequisite& e) {
      EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
      EXPECT_NE(std::string(e.what()).find("from --engine"), std::string::npos);
    }
    f.expect(docker_version(), recorded("docker-version-no-daemon"));
    EXPECT_THROW(choose_engine(f, "docker", "--engine"), core::MissingPrerequisite);
  }
  fake::FakePath none({});
  fake::FakeRunner f;
  EXPECT_THROW(choose_engine(f, "auto", "built-in"), core::MissingPrerequisite);
}

TEST(Tags, CommitDirtyConfiguredAndRegistry) {
  fake::TempProject p;
  fake::FakeRunner* r = nullptr;
  auto c = fake::compose_context(p.root, r);
  EXPECT_EQ(plan_tag(c.config, GitInfo{kSha, false, ""}).tag, kSha);
  auto dirty = plan_tag(c.config, GitInfo{kSha, true, ""});
  EXPECT_EQ(dirty.tag, kSha + "-dirty");
  EXPECT_TRUE(dirty.dirty);
  EXPECT_THROW(plan_tag(c.config, std::nullopt), core::ConfigError);
  EXPECT_EQ(all_refs(c.config, "boutique-api", kSha),
            (std::vector<std::string>{"boutique-api:" + kSha, "boutique-api:latest"}));

  auto c2 = fake::compose_context(
      p.root, r, {{"images.tag", "v1.2"}, {"images.registry", "registry.example.com/shop"}});
  auto plan = plan_tag(c2.config, GitInfo{kSha, true, ""});
  EXPECT_EQ(plan.tag, "v1.2");
  EXPECT_EQ(plan.revision, kSha + "-dirty");  // what /api/info reports stays the commit
  EXPECT_EQ(all_refs(c2.config, "boutique-frontend", "v1.2"),
            (std::vector<std::string>{"boutique-frontend:v1.2", "boutique-frontend:latest",
                                      "registry.example.com/shop/boutique-frontend:v1.2",
                                      "registry.example.com/shop/boutique-frontend:latest"}));
}

TEST(Tags, BaseImagesOfTheProjectDockerfiles) {
  auto api = core::read_text(fs::path(BOUTIQUE_SOURCE_DIR) / "api" / "Dockerfile");
  auto web = core::read_text(fs::path(BOUTIQUE_SOURCE_DIR) / "frontend" / "Dockerfile");
  ASSERT_TRUE(api && web);
  EXPECT_EQ(base_images(*api), std::vector<std::string>{"debian:bookworm-slim"});
  EXPECT_EQ(base_images(*web), std::vector<std::string>{"debian:bookworm-slim"});
  EXPECT_EQ(base_images("FROM --platform=linux/amd64 alpine:3 AS a\nFROM a\nFROM scratch\n"),
            std::vector<std::string>{"alpine:3"});
}

TEST_F(Build, SkipsImagesThatExistForACleanCommitAndMovesLatest) {
  auto c = ctx();
  expect_git(*runner, project.root, false);
  for (const std::string name : {"boutique-api", "boutique-frontend"}) {
    runner->expect(inspect(name + ":" + kSha), recorded("podman-image-size"));
    runner->expect({"podman", "tag", name + ":" + kSha, name + ":latest"}, fake::ok_out(""));
  }
  auto report = build(c, {});
  ASSERT_EQ(report.images.size(), 2u);
  for (const auto& img : report.images) {
    EXPECT_FALSE(img.built);
    EXPECT_EQ(img.size, 77179991);
  }
  EXPECT_TRUE(runner->done());
  auto table = render_build_report(report, false, false);
  EXPECT_NE(table.find("up to date (exists for this commit)"), std::string::npos);
  EXPECT_NE(table.find("77.2 MB"), std::string::npos);
}

TEST_F(Build, ForceRebuildsWithThePodmanFlagsTagsAndBuildArgs) {
  auto c = ctx();
  expect_git(*runner, project.root, false);
  const std::vector<std::string> tags = {"boutique-api:" + kSha, "boutique-api:latest"};
  runner->expect(inspect("debian:bookworm-slim"), recorded("podman-image-size"));
  runner->expect(podman_build(project.root, "api", tags, kSha), recorded("podman-build-ok"));
  runner->expect(inspect("boutique-api:" + kSha), recorded("podman-image-size"));
  auto report = build(c, {{"api"}, true, false});
  ASSERT_EQ(report.images.size(), 1u);
  EXPECT_TRUE(report.images[0].built);
  EXPECT_TRUE(runner->done());
  // The whole output is kept in the state dir.
  auto log = core::read_text(project.root / "state" / "logs" / "build-api.log");
  ASSERT_TRUE(log);
  EXPECT_NE(log->find("Successfully tagged"), std::string::npos);
}

TEST_F(Build, DirtyTreeIsNeverSkippedAndTaggedDirty) {
  auto c = ctx();
  expect_git(*runner, project.root, true);
  const std::string tag = kSha + "-dirty";
  runner->expect(inspect("debian:bookworm-slim"), recorded("podman-image-size"));
  runner->expect(podman_build(project.root, "web",
                              {"boutique-frontend:" + tag, "boutique-frontend:latest"}, tag),
                 recorded("podman-build-ok"));
  runner->expect(inspect("boutique-frontend:" + tag), recorded("podman-image-size"));
  auto report = build(c, {{"web"}, false, false});
  EXPECT_EQ(report.tag, tag);
  EXPECT_TRUE(report.images.at(0).built);
  EXPECT_TRUE(runner->done());
}

TEST_F(Build, PushWithoutRegistryIsAConfigErrorBeforeAnythingRuns) {
  auto c = ctx();
  try {
    build(c, {{}, false, true});
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.code(), core::ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("images.registry is empty"), std::string::npos);
  }
  EXPECT_TRUE(runner->ran.empty());
}

TEST_F(Build, PushSendsTheRegistryTagsAndReportsAFailedPush) {
  const std::string reg = "127.0.0.1:9/shop";
  auto c = ctx({{"images.registry", reg}});
  const std::string local = expect_api_tagged_for(reg);
  const std::string digestfile = (state::state_dir(c.config) / "images" / "digest").string();
  runner->expect({"podman", "push", "--digestfile", digestfile, reg + "/" + local},
                 recorded("podman-push-unreachable"));
  try {
    build(c, {{"api"}, false, true});
    FAIL() << "expected CommandFailed";
  } catch (const core::CommandFailed& e) {
    EXPECT_EQ(e.code(), core::ExitCode::command_failed);
    EXPECT_NE(std::string(e.what()).find("connection refused"), std::string::npos);
    EXPECT_NE(e.hint().find("images.registry"), std::string::npos);
  }
  EXPECT_TRUE(runner->done());
}

// A push that succeeds: podman writes the manifest's digest to --digestfile; it is reported and
// kept for this reference (what deploy pins a registry cluster's images to), the scratch file not.
TEST_F(Build, PushRecordsTheDigestOfWhatWasPushed) {
  const std::string reg = "registry.example.com/shop";
  auto c = ctx({{"images.registry", reg}});
  const std::string local = expect_api_tagged_for(reg);
  const std::string digest = fake::fixture_text("podman-push-ok.digest");
  const fs::path digestfile = state::state_dir(c.config) / "images" / "digest";
  for (const std::string& ref : {reg + "/" + local, reg + "/boutique-api:latest"})
    runner->expect({{"podman", "push", "--digestfile", digestfile.string(), ref},
                    recorded("podman-push-ok"),
                    [&](const core::Command&) {
                      std::ofstream(digestfile) << digest;  // what podman does
                    }});
  const auto report = build(c, {{"api"}, false, true});
  EXPECT_TRUE(runner->done());
  ASSERT_EQ(report.images.size(), 1u);
  EXPECT_EQ(report.images[0].digest, digest);
  EXPECT_EQ(pushed_digest(c.config, reg + "/" + local), digest);
  EXPECT_EQ(pushed_digest(c.config, "registry.example.com/shop/boutique-frontend:" + kSha),
            std::nullopt);
  EXPECT_FALSE(fs::exists(digestfile)) << "the scratch file stays behind";
}

// docker prints the digest on its last line ("<tag>: digest: sha256:<hex> size: <n>", the format
// of docker push since 1.10).
TEST(EnginePush, DockerDigestLine) {
  fake::FakeRunner runner;
  const std::string hex = "4f1c2e0b3a0c9a1c7d7b7a3f0bde1bb5e9c0f1d3c7c6e9a4d2f0b1a2c3d4e5f6";
  runner.expect({"docker", "push", "r.example/boutique-api:abc"},
                fake::ok_out("The push refers to repository [r.example/boutique-api]\n"
                             "5f70bf18a086: Pushed\n"
                             "abc: digest: sha256:" +
                             hex + " size: 1570\n"));
  Engine docker(runner, EngineKind::docker);
  EXPECT_EQ(docker.push("r.example/boutique-api:abc", "/nonexistent/digest"), "sha256:" + hex);
  EXPECT_EQ(manifest_digest("sha256:ABC"), std::nullopt);
  EXPECT_EQ(manifest_digest("digest: sha256:" + hex.substr(0, 63) + " size"), std::nullopt);
}

TEST_F(Build, FailedBuildShowsItsLastLinesAndExits4) {
  auto c = ctx();
  expect_git(*runner, project.root, false);
  runner->expect(inspect("boutique-api:" + kSha), recorded("podman-image-inspect-missing"));
  runner->expect(inspect("debian:bookworm-slim"), recorded("podman-image-size"));
  runner->expect(
      podman_build(project.root, "api", {"boutique-api:" + kSha, "boutique-api:latest"}, kSha),
      recorded("podman-build-fail"));
  try {
    build(c, {{"api"}, false, false});
    FAIL() << "expected CommandFailed";
  } catch (const core::CommandFailed& e) {
    EXPECT_EQ(static_cast<int>(e.code()), 4);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("building boutique-api:" + kSha + " failed (podman): exit code 2"),
              std::string::npos);
    EXPECT_NE(msg.find("compiling"), std::string::npos);  // the step's output (stdout)
    EXPECT_NE(msg.find("main.cpp:3:1: error: expected ; before }"), std::string::npos);
    EXPECT_NE(msg.find("Error: building at STEP"), std::string::npos);
    EXPECT_NE(e.hint().find("build-api.log"), std::string::npos);
  }
}

TEST_F(Build, MissingBaseImageUnderPodmanSaysHowToGetIt) {
  auto c = ctx();
  expect_git(*runner, project.root, false);
  runner->expect(inspect("boutique-api:" + kSha), recorded("podman-image-inspect-missing"));
  runner->expect(inspect("debian:bookworm-slim"), recorded("podman-image-inspect-missing"));
  try {
    build(c, {{"api"}, false, false});
    FAIL() << "expected MissingPrerequisite";
  } catch (const core::MissingPrerequisite& e) {
    EXPECT_EQ(static_cast<int>(e.code()), 3);
    EXPECT_NE(e.hint().find("scripts/podman-env.sh base"), std::string::npos);
  }
}
