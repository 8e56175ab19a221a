// The compose target at the ProcessRunner seam: `podman ps` / `docker ps` parsing, health, which
// Compose program, the files (ports stripped for host networking), and `status` rows, all from
// recorded outputs (fixtures/containers, see record.sh).
#include <yaml-cpp/yaml.h>

#include "compose_support.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"
#include "targets/compose/compose_target.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace boutique::images;
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

// Found by tests/fuzz (cli_compose): a member of another type (a number for State, a string for
// Names, an item that is not an object) threw nlohmann's type_error out of the parsers, which
// main() reports as "internal error (a bug)". Odd members now read as empty; an item that is not
// an object is CommandFailed (exit 4), like output that is not JSON.
TEST(ComposePs, MembersOfAnotherTypeAreNotAnInternalError) {
  const auto all = parse_podman_ps(
      R"([{"Names": "db_1", "State": 1, "Status": null, "Image": "x",
           "Labels": {"com.docker.compose.service": 7}}])");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "");
  EXPECT_EQ(all[0].state, "");
  EXPECT_EQ(all[0].image, "x");
  EXPECT_EQ(all[0].service, "");
  EXPECT_THROW(parse_podman_ps("[1]"), core::CommandFailed);
  const auto lines = parse_docker_ps(R"({"service":null,"name":["x"],"state":1,"image":"y"})");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].service, "");
  EXPECT_EQ(lines[0].image, "y");
  core::Result r;
  r.exit_code = 0;
  r.out = R"({"Components": [{"Name": 1}, "Podman Engine", {"Name": "Podman Engine"}]})";
  EXPECT_EQ(parse_docker_server(r), DockerServer::podman);
  r.out = R"({"Components": {"Name": "Podman Engine"}})";
  EXPECT_EQ(parse_docker_server(r), DockerServer::docker);
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

// What `compose config` says Compose builds itself: services with build:, not ours. Found by
// tests/fuzz (cli_compose): output that was not a mapping of service mappings threw yaml-cpp's
// exceptions out of `boutique up` as an internal error; it is now CommandFailed (exit 4).
TEST(ComposeFiles, ComposeConfigNamesTheServicesComposeBuilds) {
  const auto builds = compose_builds(
      "name: fixt\nservices:\n  db:\n    build:\n      context: tests/containers/postgres\n"
      "    image: localhost/boutique-test-postgres:15\n  backend:\n    build: {context: .}\n"
      "  cache:\n    build: .\n  web:\n    image: nginx\n");
  ASSERT_EQ(builds.size(), 2u);
  EXPECT_EQ(builds[0].service, "db");  // in the file's order
  EXPECT_EQ(builds[0].image, "localhost/boutique-test-postgres:15");
  EXPECT_EQ(builds[1].service, "cache");
  EXPECT_EQ(builds[1].image, "");
  EXPECT_TRUE(compose_builds("name: x\n").empty());
  for (const char* odd : {"just text", "services: [a, b]\n", "services:\n  db: postgres\n",
                          "services: {a: 1", "- 1\n"})
    EXPECT_THROW(compose_builds(odd), core::CommandFailed) << odd;
}

// Found by tests/fuzz (cli_compose): a repeated ports: key under a host-network service kept its
// second copy (docker-compose v1's YAML reader takes the last one, then refuses host networking
// with ports).
TEST(ComposeFiles, EveryRepeatedPortsKeyIsStripped) {
  const std::string base =
      "services:\n  backend:\n    network_mode: host\n    ports: [\"5000:5000\"]\n"
      "    ports: [\"5001:5000\"]\n  frontend:\n    ports: [\"5173:8080\"]\n";
  YAML::Node stripped = YAML::Load(strip_ports(base, {"backend"}));
  for (const auto& kv : stripped["services"]["backend"]) EXPECT_NE(kv.first.Scalar(), "ports");
  EXPECT_TRUE(stripped["services"]["frontend"]["ports"]);
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
  // The stack's HTTP rows, as on every target (probes/stack.hpp).
  EXPECT_FALSE(row("api", "healthz").ok);
  EXPECT_FALSE(row("api", "migrations").ok);
  EXPECT_FALSE(row("web", "index.html").ok);
  EXPECT_FALSE(core::all_ok(checks));
  // The same rows render as JUnit, one testcase each.
  auto xml = core::render_junit(checks, "boutique.status.compose");
  EXPECT_NE(xml.find("classname=\"boutique.status.compose.web\""), std::string::npos);
}

// `boutique config --show-secrets --target compose` shows compose's own admin password (not the
// local target's) and the database password compose.yaml gets: the environment, else the
// project's .env, else the file's default.
TEST(ComposeSecrets, ItsOwnAdminPasswordAndComposesDatabasePassword) {
  fake::TempProject p;
  fake::FakeRunner* f = nullptr;
  auto c = fake::compose_context(p.root, f);
  fs::create_directories(p.root / "state" / "secrets");
  core::write_text(p.root / "state" / "secrets" / "admin_password", "local-one\n");
  ComposeTarget target(c);
  auto secret = [&](const std::string& key) {
    for (const auto& s : target.secrets())
      if (s.key == key) return s;
    ADD_FAILURE() << "no secret " << key;
    return state::Secret{};
  };
  ::unsetenv("POSTGRES_PASSWORD");
  ::unsetenv("BOUTIQUE_ADMIN_PASSWORD");
  EXPECT_EQ(secret("admin.password").value, "");  // none yet: the local one is not compose's
  const std::string made =
      state::ensure_secret(p.root / "state" / "compose" / "admin_password", std::nullopt);
  EXPECT_EQ(secret("admin.password").value, made);
  EXPECT_EQ(secret("admin.password").origin,
            (p.root / "state" / "compose" / "admin_password").string());
  EXPECT_EQ(secret("database.password").value, "boutique");
  EXPECT_EQ(secret("database.password").source, "default");
  core::write_text(p.root / ".env",
                   "# compose\nPOSTGRES_USER=u\nPOSTGRES_PASSWORD='from-dotenv'\n");
  EXPECT_EQ(secret("database.password").value, "from-dotenv");
  EXPECT_EQ(secret("database.password").source, ".env");
  ::setenv("POSTGRES_PASSWORD", "from-env", 1);
  EXPECT_EQ(secret("database.password").value, "from-env");
  EXPECT_EQ(secret("database.password").source, "env");
  ::unsetenv("POSTGRES_PASSWORD");
}

// One stack with the seed's plain `docker compose up`: without a `project` setting the project is
// the one Compose itself would choose.
TEST(ComposeProject, IsComposesOwnChoiceUnlessSet) {
  fake::TempProject p;
  const auto dir = p.root / "Ma Boutique.v2";
  std::filesystem::create_directories(dir);
  fake::FakeRunner* f = nullptr;
  const EnvLookup no_env = [](const std::string&) { return std::nullopt; };
  auto c = fake::compose_context(dir, f);
  EXPECT_EQ(project_name(c.config, no_env), "maboutiquev2") << "the directory's name, normalised";
  core::write_text(dir / ".env", "POSTGRES_PASSWORD=x\nCOMPOSE_PROJECT_NAME=_Shop\n");
  EXPECT_EQ(project_name(c.config, no_env), "shop") << "the project's .env";
  const EnvLookup env = [](const std::string& k) -> std::optional<std::string> {
    if (k == "COMPOSE_PROJECT_NAME") return "from-env";
    return std::nullopt;
  };
  EXPECT_EQ(project_name(c.config, env), "from-env") << "the environment before .env";
  auto set = fake::compose_context(dir, f, {{"project", "Fixe"}});
  EXPECT_EQ(project_name(set.config, env), "fixe") << "the setting wins";
}
