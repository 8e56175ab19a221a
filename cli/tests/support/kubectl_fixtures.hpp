#pragma once
// A scripted kubectl replaying manifests/tests/fixtures/kubectl (real kubectl 1.32 outputs, see
// its README.md) exactly as recorded: a command matches a recording of the scenario when its argv
// after `kubectl --context CTX` equals the recorded argv. Other programs (minikube) are scripted
// by the test. Every argv run is kept, for assertions.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/process.hpp"
#include "fake_runner.hpp"

namespace boutique::fake {

inline std::filesystem::path kubectl_fixtures_dir() {
  return std::filesystem::path(BOUTIQUE_SOURCE_DIR) / "manifests/tests/fixtures/kubectl";
}

inline std::string read_fixture(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) ADD_FAILURE() << "missing fixture " << p;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The programs the k8s target runs offline, which tests run for real: `kubectl kustomize` or
// `kustomize build` renders, git gives the tag.
inline bool runs_offline(const std::vector<std::string>& argv) {
  return argv[0] == "git" || argv[0] == "kustomize" || (argv.size() > 1 && argv[1] == "kustomize");
}

class ScriptedKubectl final : public ForegroundOnly {
 public:
  explicit ScriptedKubectl(const std::string& scenario) {
    auto index = nlohmann::json::parse(read_fixture(kubectl_fixtures_dir() / "index.json"));
    for (const auto& c : index["commands"])
      if (c["scenario"] == scenario)
        recorded_[core::display(c["argv"].get<std::vector<std::string>>())] = from_index(c);
    EXPECT_FALSE(recorded_.empty()) << "no recordings for scenario " << scenario;
  }
  // Answers for a non-kubectl program (matched on the whole argv).
  void script(const std::vector<std::string>& argv, core::Result r) {
    scripted_[core::display(argv)] = std::move(r);
  }
  // The next call of this kubectl argv (after `kubectl --context CTX`) gets `r` instead of its
  // recording, once: a cluster whose state changes between two calls (before and after an apply).
  void once(const std::vector<std::string>& rest, core::Result r) {
    once_[core::display(rest)].push_back(std::move(r));
  }
  // What a program started alongside (ProcessRunner::start) prints: `rest` is the argv after
  // `kubectl --context CTX` (kubectl port-forward).
  void alongside(const std::vector<std::string>& rest, std::vector<std::string> lines,
                 bool ends = false) {
    alongside_[core::display(rest)] = {std::move(lines), ends};
  }
  // Another scenario's recording of this argv.
  static core::Result recording(const std::string& scenario, const std::vector<std::string>& rest) {
    auto index = nlohmann::json::parse(read_fixture(kubectl_fixtures_dir() / "index.json"));
    for (const auto& c : index["commands"])
      if (c["scenario"] == scenario && c["argv"].get<std::vector<std::string>>() == rest)
        return from_index(c);
    ADD_FAILURE() << "no recording of " << core::display(rest) << " in " << scenario;
    return {};
  }

  core::Result run(const core::Command& cmd) override {
    ran.push_back(cmd.argv);
    commands.push_back(cmd);
    EXPECT_GT(cmd.timeout.count(), 0) << "no timeout: " << core::display(cmd.argv);
    if (runs_offline(cmd.argv)) return real_.run(cmd);
    if (cmd.argv.size() >= 3 && cmd.argv[0] == "kubectl" && cmd.argv[1] == "--context") {
      std::vector<std::string> rest(cmd.argv.begin() + 3, cmd.argv.end());
      if (auto o = once_.find(core::display(rest)); o != once_.end() && !o->second.empty()) {
        core::Result r = std::move(o->second.front());
        o->second.erase(o->second.begin());
        return r;
      }
      auto it = recorded_.find(core::display(rest));
      if (it != recorded_.end()) return it->second;
    }
    auto it = scripted_.find(core::display(cmd.argv));
    if (it != scripted_.end()) return it->second;
    ADD_FAILURE() << "no recording for: " << core::display(cmd.argv);
    core::Result r;
    r.exit_code = 1;
    r.err = "not recorded";
    return r;
  }
  std::unique_ptr<core::Running> start(const core::Command& cmd) override {
    ran.push_back(cmd.argv);
    started.push_back(cmd.argv);
    std::vector<std::string> rest(
        cmd.argv.begin() + std::min<std::ptrdiff_t>(3, std::ssize(cmd.argv)), cmd.argv.end());
    auto it = alongside_.find(core::display(rest));
    if (it == alongside_.end()) {
      ADD_FAILURE() << "nothing scripted to start: " << core::display(cmd.argv);
      return std::make_unique<ScriptedRunning>(std::vector<std::string>{}, true, live);
    }
    return std::make_unique<ScriptedRunning>(it->second.first, it->second.second, live);
  }
  std::vector<std::vector<std::string>> ran;
  std::vector<core::Command> commands;
  std::vector<std::vector<std::string>> started;         // by start(), also in `ran`
  std::shared_ptr<int> live = std::make_shared<int>(0);  // started and not stopped yet

 private:
  // One entry of index.json as the Result kubectl gave.
  static core::Result from_index(const nlohmann::json& c) {
    core::Result r;
    r.exit_code = c["exit"].get<int>();
    if (c["stdout"].is_string()) r.out = read_fixture(kubectl_fixtures_dir() / c["stdout"]);
    if (c["stderr"].is_string()) r.err = read_fixture(kubectl_fixtures_dir() / c["stderr"]);
    return r;
  }

  std::map<std::string, core::Result> recorded_, scripted_;
  std::map<std::string, std::vector<core::Result>> once_;
  std::map<std::string, std::pair<std::vector<std::string>, bool>> alongside_;
  core::PosixProcessRunner real_;
};

}  // namespace boutique::fake
