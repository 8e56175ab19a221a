#pragma once
// A scripted ProcessRunner for tests (like Skaffold's testutil.FakeCmd): each expected command
// is matched against the argv actually run and answers with a recorded result.
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "core/process.hpp"

namespace boutique::fake {

class FakeRunner final : public core::ProcessRunner {
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
  pid_t spawn_detached(const core::DetachedCommand& cmd) override {
    ADD_FAILURE() << "unexpected detached command: " << core::display(cmd.argv);
    return -1;
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
