// `boutique dev` on the local target, end to end with real processes: inotify, CMake and the
// compiler, PostgreSQL, boutique-api, nginx. The workspace's api/ is a small CMake project whose
// `boutique-api` target compiles api/src/handler.cpp for real (so a syntax error fails as it would
// in the real api/) and then installs the real API binary: a save must rebuild it, restart the
// API and leave the old one serving when the build fails. Never sleeps to synchronise.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/files.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "core/process.hpp"
#include "workspace.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kProject = R"(cmake_minimum_required(VERSION 3.20)
project(devloop CXX)
add_executable(handler src/handler.cpp)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/bin/boutique-api
  COMMAND ${CMAKE_COMMAND} -E rm -f ${CMAKE_BINARY_DIR}/bin/boutique-api
  COMMAND ${CMAKE_COMMAND} -E copy ${REAL_API} ${CMAKE_BINARY_DIR}/bin/boutique-api
  DEPENDS handler ${REAL_API})
add_custom_target(boutique-api DEPENDS ${CMAKE_BINARY_DIR}/bin/boutique-api)
)";

class DevLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(ws_.root / "api" / "src");
    fs::create_directories(ws_.root / "api" / "tests");
    core::write_text(ws_.root / "api" / "CMakeLists.txt", kProject);
    save("int main() { return 0; }\n");
    build_ = ws_.base / "build";
    auto cfg = ws_.exec({"cmake", "-S", (ws_.root / "api").string(), "-B", build_.string(),
                         std::string("-DREAL_API=") + BOUTIQUE_API_BIN});
    ASSERT_EQ(cfg.exit_code, 0);
    ASSERT_EQ(ws_.exec({"cmake", "--build", build_.string(), "--target", "boutique-api"}).exit_code,
              0);
    ws_.env["BOUTIQUE_API_BINARY"] = (build_ / "bin" / "boutique-api").string();
    ws_.env["BOUTIQUE_ADMIN_PASSWORD"] = "mot-de-passe-de-test-dev";
  }

  void save(const std::string& text) {
    core::write_text(ws_.root / "api" / "src" / "handler.cpp", text);
  }

  // Reads dev's output until a line containing `what`; fails the test at the deadline.
  std::string wait_line(const std::string& what, std::chrono::seconds limit = 120s) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      auto line = dev_->read_line(200ms);
      if (!line) {
        if (!dev_->running()) break;
        continue;
      }
      std::cerr << "dev| " << *line << "\n";
      if (line->find(what) != std::string::npos) return *line;
    }
    ADD_FAILURE() << "no line with '" << what << "'; dev said:\n" << dev_->transcript();
    return {};
  }

  std::optional<pid_t> api_pid() const {
    return core::read_live_pid(ws_.root / ".boutique" / "run" / "api.pid");
  }

  fixture::Workspace ws_{"boutique-dev"};
  fs::path build_;
  std::unique_ptr<core::Running> dev_;
};

TEST_F(DevLoop, ASaveRebuildsAndRestartsTheApiAFailedBuildKeepsItServing) {
  dev_ = ws_.runner.start({{BOUTIQUE_CLI, "dev"}, ws_.env, ws_.root, 0ms, {}});
  ASSERT_FALSE(wait_line("Watching").empty());
  const auto first = api_pid();
  ASSERT_TRUE(first);
  const auto web = core::http_get(ws_.url(ws_.web_port, "/"), 5s);
  EXPECT_TRUE(web.ok()) << "no frontend sources here: nginx serves the generated page";

  // A save in api/: the build runs, the API restarts and answers.
  save("int main() { return 1; }\n");
  EXPECT_NE(wait_line("saved: building boutique-api").find("api/src/handler.cpp"),
            std::string::npos);
  EXPECT_FALSE(wait_line("api  answering").empty());
  const auto second = api_pid();
  ASSERT_TRUE(second);
  EXPECT_NE(*second, *first);
  EXPECT_FALSE(core::process_alive(*first));
  EXPECT_TRUE(core::http_get(ws_.url(ws_.api_port, "/readyz"), 5s).ok());

  // A syntax error: the compiler's first error, and the running API keeps serving.
  save("int main() { return undefined_name; }\n");
  const std::string error = wait_line(": error:");
  EXPECT_NE(error.find("handler.cpp:1:"), std::string::npos) << error;
  EXPECT_NE(error.find("undefined_name"), std::string::npos) << error;
  EXPECT_EQ(api_pid(), second);
  EXPECT_TRUE(core::http_get(ws_.url(ws_.api_port, "/api/info"), 5s).ok());

  // Fixed: restarted again.
  save("int main() { return 2; }\n");
  EXPECT_FALSE(wait_line("api  answering").empty());
  const auto third = api_pid();
  ASSERT_TRUE(third);
  EXPECT_NE(*third, *second);

  // Ctrl-C: what dev started stops (it started everything here), the data stays, exit 0.
  const auto db = core::read_live_pid(ws_.root / ".boutique" / "pg" / "data" / "postmaster.pid");
  ASSERT_TRUE(db);
  dev_->interrupt();
  EXPECT_FALSE(wait_line("dev ended").empty());
  const auto deadline = Clock::now() + 60s;
  while (dev_->running() && Clock::now() < deadline) dev_->read_line(100ms);
  EXPECT_EQ(dev_->exit_code(), 0) << dev_->transcript();
  EXPECT_FALSE(core::process_alive(*third));
  EXPECT_FALSE(core::process_alive(*db));
  EXPECT_TRUE(fs::exists(ws_.root / ".boutique" / "pg" / "data" / "PG_VERSION"));
  EXPECT_FALSE(core::http_get(ws_.url(ws_.web_port, "/"), 2s).ok()) << "nginx, started by dev";
}

// Without a CMake build directory there is nothing to rebuild: a clear error before anything
// starts (exit 3).
TEST_F(DevLoop, AnApiBinaryOutsideACMakeBuildIsRefused) {
  const fs::path lone = ws_.base / "lone" / "boutique-api";
  fs::create_directories(lone.parent_path());
  fs::copy_file(BOUTIQUE_API_BIN, lone);
  auto r = ws_.run({"dev"}, {{"BOUTIQUE_API_BINARY", lone.string()}}, 60s);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not in a CMake build directory"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(ws_.root / ".boutique" / "pg")) << "nothing started";
}

// A build of another checkout would never see the saves: refused, naming the binary to use.
TEST_F(DevLoop, ABuildOfAnotherCheckoutIsRefused) {
  const fs::path other = ws_.base / "other";
  fs::create_directories(other / "src");
  core::write_text(other / "CMakeLists.txt", kProject);
  core::write_text(other / "src" / "handler.cpp", "int main() { return 0; }\n");
  ASSERT_EQ(ws_.exec({"cmake", "-S", other.string(), "-B", (other / "build").string(),
                      std::string("-DREAL_API=") + BOUTIQUE_API_BIN})
                .exit_code,
            0);
  auto r = ws_.run(
      {"dev"}, {{"BOUTIQUE_API_BINARY", (other / "build" / "bin" / "boutique-api").string()}}, 60s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not from this project"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(ws_.root / ".boutique" / "pg")) << "nothing started";
}

}  // namespace
