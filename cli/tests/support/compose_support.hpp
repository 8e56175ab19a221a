#pragma once
// Shared by the build and compose unit tests: a temporary project (Dockerfiles, a built UI), a
// PATH holding stand-ins named docker/podman/docker-compose (only looked up, never run: the
// FakeRunner answers), and a Context over both.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/files.hpp"
#include "fake_runner.hpp"
#include "recorded.hpp"

namespace boutique::fake {

struct TempProject {
  std::filesystem::path root;
  TempProject() {
    char tmpl[] = "/tmp/boutique-compose-test-XXXXXX";
    root = ::mkdtemp(tmpl);
    namespace fs = std::filesystem;
    const fs::path src(BOUTIQUE_SOURCE_DIR);
    fs::create_directories(root / "api");
    fs::create_directories(root / "frontend" / "dist");
    fs::copy_file(src / "api" / "Dockerfile", root / "api" / "Dockerfile");
    fs::copy_file(src / "frontend" / "Dockerfile", root / "frontend" / "Dockerfile");
    fs::copy_file(src / "compose.yaml", root / "compose.yaml");
    core::write_text(root / "frontend" / "dist" / "index.html", "<div id=\"root\"></div>\n");
  }
  ~TempProject() { std::filesystem::remove_all(root); }
};

// PATH = a directory with these program names only.
class FakePath {
 public:
  explicit FakePath(const std::vector<std::string>& programs) {
    char tmpl[] = "/tmp/boutique-path-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    for (const auto& p : programs)
      core::write_text(dir_ / p, "#!/bin/sh\nexit 99\n", std::filesystem::perms(0755));
    const char* old = std::getenv("PATH");
    old_ = old ? old : "";
    ::setenv("PATH", dir_.c_str(), 1);
  }
  ~FakePath() {
    ::setenv("PATH", old_.c_str(), 1);
    std::filesystem::remove_all(dir_);
  }

 private:
  std::filesystem::path dir_;
  std::string old_;
};

// A Context over `root` with these settings (as flags) and the fake runner.
inline core::Context compose_context(const std::filesystem::path& root, FakeRunner*& runner,
                                     std::map<std::string, std::string> flags = {}) {
  core::LoadInputs in;
  in.cwd = root;
  in.discover = false;
  in.getenv = [](const std::string&) { return std::nullopt; };
  flags.emplace("state_dir", (root / "state").string());
  in.flags = flags;
  auto r = std::make_unique<FakeRunner>();
  runner = r.get();
  return core::Context{core::Config::load(in), std::move(r),
                       std::make_unique<core::Progress>(core::Progress::Mode::quiet, false)};
}

inline core::Result ok_out(std::string out) {
  return exited(0, std::move(out));
}

}  // namespace boutique::fake
