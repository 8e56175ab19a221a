// End to end with real images and containers (podman): `boutique build`, then the compose target
// through docker-compose on podman's socket, driven by the `boutique` binary from the project's
// checkout. Heavy (minutes when the image cache is cold): CTest label `containers`, run by
// `make test-containers` with BOUTIQUE_CONTAINER_TESTS=1; otherwise it reports itself skipped.
// Free ports, a temporary state dir and project name; every wait has a deadline; `down --volumes`
// runs even after a failure. The images are kept as a build cache (as tests/containers/run.sh).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "core/process.hpp"
#include "free_port.hpp"
#include "hermetic_env.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

using boutique::fixture::free_port;

class ContainersE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    fake::clear_boutique_env();
    ASSERT_EQ(::geteuid(), 0u) << "needs root (rootful podman)";
    ASSERT_FALSE(core::find_program("podman").empty()) << "scripts/install-deps.sh containers";
    // The podman settings that work here, and the local base image (as tests/containers/run.sh).
    auto conf = runner_.run({{root_ / "scripts/podman-env.sh", "conf"}, {}, root_, 60s, {}});
    ASSERT_TRUE(conf.ok()) << conf.err;
    conf_ = core::tail_lines(conf.out, 1);
    auto base = runner_.run({{root_ / "scripts/podman-env.sh", "base"},
                             {{"CONTAINERS_CONF", conf_}},
                             root_,
                             10min,
                             {}});
    ASSERT_TRUE(base.ok()) << base.err;
    char tmpl[] = "/tmp/boutique-ctr-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    state_ = tmpl;
    project_ = "clie2e" + std::to_string(::getpid());
    api_port_ = free_port();
    web_port_ = free_port();
    db_port_ = free_port();
    while (web_port_ == api_port_) web_port_ = free_port();
    while (db_port_ == api_port_ || db_port_ == web_port_) db_port_ = free_port();
    env_ = {{"CONTAINERS_CONF", conf_},
            {"BOUTIQUE_TARGET", "compose"},
            {"BOUTIQUE_ENGINE", "podman"},
            {"BOUTIQUE_PROJECT", project_},
            {"BOUTIQUE_STATE_DIR", state_.string()},
            {"BOUTIQUE_API_PORT", std::to_string(api_port_)},
            {"BOUTIQUE_WEB_PORT", std::to_string(web_port_)},
            {"BOUTIQUE_DB_PORT", std::to_string(db_port_)},
            {"BOUTIQUE_HEALTH_TIMEOUT", "120"},
            {"NO_COLOR", "1"}};
  }
  void TearDown() override {
    if (state_.empty()) return;
    if (HasFailure()) {
      run({"status"});
      run({"logs", "--tail", "30"});
    }
    run({"down", "--volumes", "--yes"});  // best effort, even after a failure
    if (auto p = core::read_live_pid(state_ / "compose" / "podman.pid"))
      core::stop_process(*p, SIGTERM, 5s);
    std::error_code ec;
    fs::remove_all(state_, ec);
  }

  core::Result run(std::vector<std::string> args, std::chrono::seconds limit = 600s) {
    args.insert(args.begin(), BOUTIQUE_CLI);
    auto r = runner_.run({args, env_, root_, limit, {}});
    std::cerr << "$ " << core::display(args) << "  -> " << r.describe() << " in "
              << static_cast<double>(r.elapsed.count()) / 1000.0 << " s\n"
              << r.out << r.err;
    return r;
  }
  std::string url(int port, const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::vector<std::string> containers() {
    auto r = runner_.run(
        {{"podman", "ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + project_},
         {{"CONTAINERS_CONF", conf_}},
         {},
         60s,
         {}});
    std::vector<std::string> ids;
    std::size_t pos = 0;
    while (pos < r.out.size()) {
      auto end = r.out.find('\n', pos);
      if (end == std::string::npos) end = r.out.size();
      if (end > pos) ids.push_back(r.out.substr(pos, end - pos));
      pos = end + 1;
    }
    return ids;
  }

  core::PosixProcessRunner runner_;
  fs::path root_{BOUTIQUE_SOURCE_DIR};
  fs::path state_;
  std::string conf_, project_;
  int api_port_ = 0, web_port_ = 0, db_port_ = 0;
  std::map<std::string, std::string> env_;
};

}  // namespace

TEST_F(ContainersE2E, BuildThenComposeLifecycleKeepsDataUntilVolumesGo) {
  // 1. Real images: both built (or found for this clean commit), with a size.
  auto built = run({"build", "-o", "json"}, 1800s);
  ASSERT_EQ(built.exit_code, 0);
  auto report = json::parse(built.out);
  EXPECT_EQ(report["engine"], "podman");
  ASSERT_EQ(report["images"].size(), 2u);
  for (const auto& img : report["images"]) EXPECT_GT(img["size_bytes"].get<long long>(), 50000000);
  // Again: a clean commit's images are found, a dirty tree's are rebuilt.
  auto again = json::parse(run({"build", "-o", "json"}, 1800s).out);
  for (const auto& img : again["images"]) EXPECT_EQ(img["built"], report["dirty"]);

  // 2. up: the stack answers, status passes.
  auto up = run({"up"}, 900s);
  ASSERT_EQ(up.exit_code, 0);
  EXPECT_NE(up.out.find(url(web_port_, "/")), std::string::npos);
  ASSERT_EQ(run({"status"}).exit_code, 0);
  auto st = json::parse(run({"status", "-o", "json"}).out);
  EXPECT_TRUE(st["ok"].get<bool>());
  EXPECT_EQ(st["target"], "compose");
  ASSERT_TRUE(fs::exists(state_ / "compose" / "podman.pid"));

  auto products = core::http_get(url(api_port_, "/api/produits?par_page=100"), 5s);
  ASSERT_EQ(products.status, 200) << products.describe();
  EXPECT_GE(json::parse(products.body).size(), 24u);
  auto index = core::http_get(url(web_port_, "/"), 5s);
  EXPECT_NE(index.body.find("<div id=\"root\">"), std::string::npos);
  auto info = core::http_get(url(web_port_, "/api/info"), 5s);
  ASSERT_EQ(info.status, 200);
  EXPECT_EQ(json::parse(info.body)["database"]["status"], "up");
  EXPECT_EQ(json::parse(info.body)["commit"], report["tag"]);

  const std::string nom = "Persist " + project_;
  core::HttpRequest create{
      "POST",
      url(web_port_, "/api/utilisateurs"),
      json{{"nom", nom}, {"email", project_ + "@example.fr"}, {"password", "un mot de passe long"}}
          .dump(),
      {{"Content-Type", "application/json"}},
      5s,
      {}};
  ASSERT_EQ(core::http_request(create).status, 201);

  // 3. down: no container, podman's service stopped; status fails.
  ASSERT_EQ(run({"down"}).exit_code, 0);
  EXPECT_TRUE(containers().empty());
  EXPECT_FALSE(fs::exists(state_ / "compose" / "podman.pid"));
  EXPECT_EQ(run({"status"}).exit_code, 1);

  // 4. up again: the user created before is still there (named volume).
  ASSERT_EQ(run({"up", "-q"}, 900s).exit_code, 0);
  auto users = core::http_get(url(api_port_, "/api/utilisateurs"), 5s);
  EXPECT_NE(users.body.find(nom), std::string::npos) << users.body;
  auto logs = run({"logs", "api", "--tail", "5"});
  EXPECT_EQ(logs.exit_code, 0);
  EXPECT_NE(logs.out.find("backend_1"), std::string::npos);

  // 5. backup, then a new empty stack (down --volumes, up), then restore (issue 17): the
  // customer logs in and finds the order. Through `compose exec -T db`, streamed.
  const std::string email = project_ + "@example.fr";
  auto post = [&](const std::string& path, const json& body, const std::string& token = {}) {
    core::HttpRequest req{
        "POST", url(api_port_, path), body.dump(), {{"Content-Type", "application/json"}}, 10s, {}};
    if (!token.empty()) req.headers.push_back({"Authorization", "Bearer " + token});
    return core::http_request(req);
  };
  auto login = [&] {
    auto r = post("/api/auth/login", {{"email", email}, {"password", "un mot de passe long"}});
    return r.status == 200 ? json::parse(r.body)["token"].get<std::string>() : std::string();
  };
  std::string token = login();
  ASSERT_FALSE(token.empty());
  const auto catalogue = json::parse(core::http_get(url(api_port_, "/api/produits"), 5s).body);
  auto order = post(
      "/api/commandes",
      {{"lignes", json::array({{{"produit_id", catalogue[0]["id"]}, {"quantite", 1}}})}}, token);
  ASSERT_EQ(order.status, 201) << order.body;
  const fs::path dump = state_ / "compose-shop.dump";
  auto backup = run({"backup", dump.string(), "-o", "json"}, 300s);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(json::parse(backup.out)["rows"]["commandes"], 1) << backup.out;
  EXPECT_GT(fs::file_size(dump), 1000u);
  ASSERT_EQ(run({"down", "--volumes", "--yes"}).exit_code, 0);
  ASSERT_EQ(run({"up", "-q"}, 900s).exit_code, 0);
  EXPECT_TRUE(login().empty()) << "a new stack knows no customer";
  auto restored = run({"restore", dump.string(), "--yes"}, 300s);
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  token = login();
  ASSERT_FALSE(token.empty()) << "the customer of the archive";
  core::HttpRequest orders{
      "GET", url(api_port_, "/api/commandes"), {}, {{"Authorization", "Bearer " + token}}, 5s, {}};
  auto mine = core::http_request(orders);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(json::parse(mine.body).size(), 1u) << mine.body;
  EXPECT_EQ(run({"status"}).exit_code, 0);

  // 6. down --volumes --yes: containers, volume and the compose state dir are gone.
  ASSERT_EQ(run({"down", "--volumes", "--yes"}).exit_code, 0);
  EXPECT_TRUE(containers().empty());
  auto vol = runner_.run({{"podman", "volume", "exists", project_ + "_db-data"},
                          {{"CONTAINERS_CONF", conf_}},
                          {},
                          60s,
                          {}});
  EXPECT_EQ(vol.exit_code, 1) << "volume " << project_ << "_db-data left behind";
  EXPECT_FALSE(fs::exists(state_ / "compose"));
}

// `boutique dev --target compose` (issue 17), in a git worktree of this commit (the checkout is
// never edited): each save of a .tsx rebuilds the images and Compose recreates only the container
// whose image changed; Ctrl-C ends dev and leaves the stack running.
TEST_F(ContainersE2E, DevRebuildsTheChangedImageAndRecreatesOnlyItsContainer) {
  const fs::path tree = state_ / "worktree";
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", root_.string()});
    return runner_.run({args, {}, {}, 120s, {}});
  };
  ASSERT_TRUE(git({"worktree", "add", "--detach", tree.string(), "HEAD"}).ok());
  struct Remove {
    std::function<void()> fn;
    ~Remove() { fn(); }
  } remove{[&] {
    git({"worktree", "remove", "--force", tree.string()});
    git({"worktree", "prune"});
  }};
  // The checkout's dependencies, as old as its lock file: no `npm ci` in the worktree.
  if (fs::exists(root_ / "frontend" / "node_modules" / ".package-lock.json")) {
    fs::create_directory_symlink(root_ / "frontend" / "node_modules",
                                 tree / "frontend" / "node_modules");
    fs::last_write_time(
        tree / "frontend" / "package-lock.json",
        fs::last_write_time(root_ / "frontend" / "node_modules" / ".package-lock.json"));
  }
  if (fs::exists(root_ / "frontend" / "toolchain" / "node"))
    fs::create_directory_symlink(root_ / "frontend" / "toolchain" / "node",
                                 tree / "frontend" / "toolchain" / "node");

  auto dev = runner_.start({{BOUTIQUE_CLI, "dev"}, env_, tree, 0ms, {}});
  auto wait_line = [&](const std::string& what, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto line = dev->read_line(500ms);
      if (!line) {
        if (!dev->running()) break;
        continue;
      }
      std::cerr << "dev| " << *line << "\n";
      if (line->find(what) != std::string::npos) return true;
      if (line->find("not redeployed") != std::string::npos) break;
    }
    ADD_FAILURE() << "no line with '" << what << "'";
    return false;
  };
  ASSERT_TRUE(wait_line("Watching", 900s));
  auto service = [&](const std::string& name) {
    auto r = runner_.run(
        {{"podman", "ps", "-q", "--filter", "label=com.docker.compose.project=" + project_,
          "--filter", "label=com.docker.compose.service=" + name},
         {{"CONTAINERS_CONF", conf_}},
         {},
         60s,
         {}});
    return core::tail_lines(r.out, 1);
  };
  auto edit = [&](const std::string& from, const std::string& to) {
    const fs::path app = tree / "frontend" / "src" / "App.tsx";
    std::string text = core::read_text(app).value_or("");
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    core::write_text(app, text);
  };
  auto served = [&](const std::string& marker) {  // in the JS the page loads
    const auto index = core::http_get(url(web_port_, "/"), 5s).body;
    const auto at = index.find("/assets/index-");
    if (at == std::string::npos) return false;
    const auto js = index.substr(at, index.find('"', at) - at);
    return core::http_get(url(web_port_, js), 5s).body.find(marker) != std::string::npos;
  };

  // The first save makes the tree dirty: both images get the <commit>-dirty tag (the API's
  // relinked with the new revision).
  edit("Ma Boutique — démonstration", "Ma Boutique — dev 1");
  ASSERT_TRUE(wait_line("redeployed and healthy", 900s));
  EXPECT_TRUE(served("Ma Boutique — dev 1"));
  const std::string backend = service("backend"), frontend = service("frontend");
  ASSERT_FALSE(backend.empty());
  // The second: only the web image changes; the API's comes from the layer cache, same ID.
  edit("Ma Boutique — dev 1", "Ma Boutique — dev 2");
  ASSERT_TRUE(wait_line("redeployed and healthy", 900s));
  EXPECT_TRUE(served("Ma Boutique — dev 2"));
  EXPECT_EQ(service("backend"), backend) << "the API's container was recreated";
  EXPECT_NE(service("frontend"), frontend) << "the web container was not recreated";

  dev->interrupt();
  EXPECT_TRUE(wait_line("dev ended", 60s));
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (dev->running() && std::chrono::steady_clock::now() < deadline) dev->read_line(100ms);
  EXPECT_EQ(dev->exit_code(), 0);
  EXPECT_EQ(run({"status"}).exit_code, 0) << "the stack keeps running after dev";
}

int main(int argc, char** argv) {
  const char* on = std::getenv("BOUTIQUE_CONTAINER_TESTS");
  if (!on || std::string(on) != "1") {
    std::fprintf(stderr,
                 "SKIPPED: the podman end-to-end test takes minutes; `make test-containers` runs "
                 "it (BOUTIQUE_CONTAINER_TESTS=1)\n");
    return 77;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
