#pragma once
// A scripted ProcessRunner for tests (like Skaffold's testutil.FakeCmd): each expected command
// is matched against the argv actually run and answers with a recorded result.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "core/process.hpp"

namespace boutique::fake {

// A program started alongside (ProcessRunner::start): prints `lines`, then runs until its handle
// goes, or ends after them when `ends`. `live` counts the handles not destroyed yet, so a test can
// check that nothing is left running.
class ScriptedRunning final : public core::Running {
 public:
  ScriptedRunning(std::vector<std::string> lines, bool ends, std::shared_ptr<int> live,
                  int exit_code = 0)
      : lines_(std::move(lines)), ends_(ends), live_(std::move(live)), exit_code_(exit_code) {
    ++*live_;
  }
  ~ScriptedRunning() override { --*live_; }
  ScriptedRunning(const ScriptedRunning&) = delete;
  ScriptedRunning& operator=(const ScriptedRunning&) = delete;
  std::optional<std::string> read_line(std::chrono::milliseconds) override {
    if (lines_.empty()) return std::nullopt;
    std::string line = lines_.front();
    lines_.erase(lines_.begin());
    transcript_ += line + "\n";
    return line;
  }
  bool running() override { return !(ends_ && lines_.empty()); }
  std::optional<int> exit_code() override {
    if (running()) return std::nullopt;
    return exit_code_;
  }
  void interrupt() override {
    lines_.clear();
    ends_ = true;
  }
  const std::string& transcript() const override { return transcript_; }

 private:
  std::vector<std::string> lines_;
  bool ends_;
  std::shared_ptr<int> live_;
  int exit_code_;
  std::string transcript_;
};

// A runner for tests that run no program in the background: starting one is a test failure.
class ForegroundOnly : public core::ProcessRunner {
 public:
  pid_t spawn_detached(const core::DetachedCommand& cmd) override {
    ADD_FAILURE() << "unexpected detached command: " << core::display(cmd.argv);
    return -1;
  }
  std::unique_ptr<core::Running> start(const core::Command& cmd) override {
    ADD_FAILURE() << "unexpected command started alongside: " << core::display(cmd.argv);
    return std::make_unique<ScriptedRunning>(std::vector<std::string>{}, true,
                                             std::make_shared<int>(0));
  }
};

class FakeRunner final : public ForegroundOnly {
 public:
  struct Expect {
    std::vector<std::string> argv;
    core::Result result;
    std::function<void(const core::Command&)> inspect;  // extra assertions (stdin, env...)
  };
  void expect(Expect e) { script_.push_back(std::move(e)); }
  void expect(std::vector<std::string> argv, core::Result result) {
    script_.push_back({std::move(argv), std::move(result), {}});
  }

  core::Result run(const core::Command& cmd) override {
    ran.push_back(cmd);
    if (script_.empty()) {
      ADD_FAILURE() << "unexpected command: " << core::display(cmd.argv);
      return {};
    }
    Expect e = std::move(script_.front());
    script_.pop_front();
    EXPECT_EQ(core::display(cmd.argv), core::display(e.argv));
    if (e.inspect) e.inspect(cmd);
    return e.result;
  }
  bool done() const { return script_.empty(); }
  std::vector<core::Command> ran;

 private:
  std::deque<Expect> script_;
};

inline core::Result exited(int code, std::string out = {}, std::string err = {}) {
  core::Result r;
  r.exit_code = code;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

}  // namespace boutique::fake
