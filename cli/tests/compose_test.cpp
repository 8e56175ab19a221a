// The compose target at the ProcessRunner seam: `podman ps` / `docker ps` parsing, health, which
// Compose program, the files (ports stripped for host networking), and `status` rows, all from
// recorded outputs (fixtures/containers, see record.sh).
#include <yaml-cpp/yaml.h>

#include "compose_support.hpp"
#include "core/errors.hpp"
#include "core/system.hpp"
#include "targets/compose/compose_target.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace boutique::targets::compose;
using fake::recorded;

TEST(ComposePs, PodmanJsonGivesServiceStateAndStatus) {
  auto all = parse_podman_ps(recorded("podman-ps").out);
  ASSERT_EQ(all.size(), 3u);
  const Container* db = find_service(all, "db");
  const Container* web = find_service(all, "frontend");
  ASSERT_TRUE(db && web && find_service(all, "backend"));
  EXPECT_TRUE(db->running());
  EXPECT_EQ(db->name, "fixt_db_1");
  EXPECT_EQ(db->image, "localhost/debian:bookworm-slim");
  EXPECT_FALSE(web->running());
  EXPECT_EQ(web->state, "exited");
  EXPECT_EQ(web->status.rfind("Exited (3)", 0), 0u) << web->status;
  EXPECT_TRUE(parse_podman_ps(recorded("podman-ps-empty").out).empty());
  EXPECT_THROW(parse_podman_ps("Error: something\n"), core::CommandFailed);
}

TEST(ComposePs, DockerTemplateLinesGiveTheSameFacts) {
  auto all = parse_docker_ps(recorded("docker-ps").out);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(find_service(all, "backend")->running());
  EXPECT_EQ(find_service(all, "frontend")->state, "exited");
  EXPECT_EQ(find_service(all, "db")->status, "Up 2 seconds");
  EXPECT_EQ(find_service(all, "nope"), nullptr);
}

TEST(ComposePs, EngineAsksForTheProjectsContainers) {
  fake::FakeRunner f;
  f.expect({"podman", "ps", "-a", "--filter", "label=com.docker.compose.project=fixt", "--format",
            "json"},
           recorded("podman-ps"));
  f.expect({"docker", "ps", "-a", "--filter", "label=com.docker.compose.project=fixt", "--format",
            kDockerPsFormat},
           recorded("docker-ps"));
  EXPECT_EQ(Engine(f, EngineKind::podman).containers("fixt").size(), 3u);
  EXPECT_EQ(Engine(f, EngineKind::docker).containers("fixt").size(), 3u);
}

TEST(ComposeHealth, PodmanRunsTheHealthcheckDockerReadsTheStatus) {
  fake::FakeRunner f;
  Engine podman(f, EngineKind::podman);
  f.expect({"podman", "healthcheck", "run", "fixt_db_1"}, recorded("podman-healthcheck-healthy"));
  f.expect({"podman", "healthcheck", "run", "fixt_backend_1"},
           recorded("podman-healthcheck-unhealthy"));
  f.expect({"podman", "healthcheck", "run", "fixt_frontend_1"},
           recorded("podman-healthcheck-none"));
  EXPECT_TRUE(podman.health({"db", "fixt_db_1", "running", "", ""}).first);
  auto bad = podman.health({"backend", "fixt_backend_1", "running", "", ""});
  EXPECT_FALSE(bad.first);
  EXPECT_NE(bad.second.find("unhealthy"), std::string::npos);
  auto gone = podman.health({"frontend", "fixt_frontend_1", "running", "", ""});
  EXPECT_FALSE(gone.first);
  EXPECT_NE(gone.second.find("is not running"), std::string::npos);

  Engine docker(f, EngineKind::docker);
  EXPECT_TRUE(docker.health({"db", "x", "running", "Up 3 minutes (healthy)", ""}).first);
  EXPECT_FALSE(docker.health({"db", "x", "running", "Up 3 minutes (unhealthy)", ""}).first);
  EXPECT_FALSE(docker.health({"db", "x", "running", "Up 1 second (health: starting)", ""}).first);
  EXPECT_TRUE(f.done());
}

TEST(ComposeProgramDetection, PluginFirstThenDockerComposeV1) {
  fake::FakePath path({"docker", "docker-compose"});
  fake::FakeRunner f;
  f.expect({"docker", "compose", "version"}, recorded("docker-compose-v2-missing"));
  f.expect({"docker-compose", "version", "--short"}, recorded("docker-compose-v1-version"));
  auto p = find_compose(f);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->argv, std::vector<std::string>{"docker-compose"});
  EXPECT_EQ(p->label(), "docker-compose 1.29.2");

  f.expect({"docker", "compose", "version"},
           fake::ok_out("Docker Compose version v2.27.0\n"));  // the plugin's own format
  auto v2 = find_compose(f);
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->label(), "docker compose 2.27.0 (v2 plugin)");
}

TEST(ComposeFiles, HostNetworkOverrideStripsPortsFromACopy) {
  const fs::path src(BOUTIQUE_SOURCE_DIR);
  auto over = core::read_text(src / "tests/containers/compose.test.yaml");
  auto base = core::read_text(src / "compose.yaml");
  ASSERT_TRUE(over && base);
  auto host = host_network_services(*over);
  EXPECT_EQ(host, (std::set<std::string>{"backend", "db", "frontend"}));
  YAML::Node stripped = YAML::Load(strip_ports(*base, host));
  for (const char* s : {"db", "backend", "frontend"})
    EXPECT_FALSE(stripped["services"][s]["ports"]);
  EXPECT_EQ(stripped["services"]["backend"]["image"].Scalar(),
            "boutique-api:${BOUTIQUE_TAG:-latest}");
  EXPECT_TRUE(stripped["volumes"]["db-data"]);
  // Only the named services lose their ports.
  YAML::Node kept = YAML::Load(strip_ports(*base, {"db"}));
  EXPECT_TRUE(kept["services"]["backend"]["ports"]);
}

TEST(ComposeFiles, AutoOverrideOnlyWithPodman) {
  fake::TempProject p;
  fake::FakeRunner* r = nullptr;
  auto c = fake::compose_context(p.root, r);
  EXPECT_FALSE(override_file(c.config, EngineKind::docker));
  EXPECT_EQ(*override_file(c.config, EngineKind::podman),
            p.root / "tests/containers/compose.test.yaml");
  auto none = fake::compose_context(p.root, r, {{"compose.override", "none"}});
  EXPECT_FALSE(override_file(none.config, EngineKind::podman));
  // Docker: compose.yaml as is, no copy.
  auto files = prepare_files(c.config, EngineKind::docker, p.root / "state" / "compose");
  EXPECT_EQ(files.files, std::vector<fs::path>{p.root / "compose.yaml"});
  EXPECT_FALSE(files.host_network);
  // Podman without the override file: a configuration error naming it.
  EXPECT_THROW(prepare_files(c.config, EngineKind::podman, p.root / "state"), core::ConfigError);
}

TEST(ComposeStatus, RowsFromContainersHealthAndHttpProbes) {
  fake::TempProject p;
  fake::FakePath path({"podman"});
  fake::FakeRunner* f = nullptr;
  // Ports where nothing listens: the HTTP rows fail with "connection refused".
  auto c = fake::compose_context(
      p.root, f, {{"project", "fixt"}, {"ports.api", "9"}, {"ports.web", "7"}, {"ports.db", "13"}});
  f->expect({"podman", "ps", "-a", "--filter", "label=com.docker.compose.project=fixt", "--format",
             "json"},
            recorded("podman-ps"));
  f->expect({"podman", "healthcheck", "run", "fixt_db_1"}, recorded("podman-healthcheck-healthy"));
  f->expect({"podman", "healthcheck", "run", "fixt_backend_1"},
            recorded("podman-healthcheck-unhealthy"));
  ComposeTarget target(c);
  auto checks = target.status();
  EXPECT_TRUE(f->done());
  auto row = [&](const std::string& comp, const std::string& check) {
    for (const auto& x : checks)
      if (x.component == comp && x.check == check) return x;
    ADD_FAILURE() << "no row " << comp << "/" << check;
    return core::Check{};
  };
  EXPECT_TRUE(row("db", "container").ok);
  EXPECT_TRUE(row("db", "healthcheck").ok);
  EXPECT_TRUE(row("api", "container").ok);
  EXPECT_FALSE(row("api", "healthcheck").ok);
  EXPECT_FALSE(row("web", "container").ok);
  EXPECT_NE(row("web", "container").detail.find("Exited (3)"), std::string::npos);
  EXPECT_FALSE(row("api", "readyz").ok);
  EXPECT_NE(row("web", "proxy /api/info").detail.find("127.0.0.1:7/api/info"), std::string::npos);
  EXPECT_FALSE(core::all_ok(checks));
  // The same rows render as JUnit, one testcase each.
  auto xml = core::render_junit(checks, "boutique.status.compose");
  EXPECT_NE(xml.find("classname=\"boutique.status.compose.web\""), std::string::npos);
}
