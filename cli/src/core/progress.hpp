#pragma once
// Progress of long steps on stderr. On a terminal: one live line with a spinner and the elapsed
// time, replaced by a result line. Otherwise (Jenkins logs, pipes): plain timestamped lines.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace boutique::core {

class Progress {
 public:
  enum class Mode { quiet, plain, live };
  // live when `out` is a terminal, plain otherwise, quiet when asked.
  static Mode detect(bool quiet, std::FILE* out = stderr);

  Progress(Mode mode, bool color, std::FILE* out = stderr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // One step at a time: begin, then done or fail (fail is implied if neither was called).
  class Step {
   public:
    ~Step();
    Step(Step&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;
    Step& operator=(Step&&) = delete;
    void done(const std::string& detail = {});
    void fail(const std::string& detail = {});

   private:
    friend class Progress;
    explicit Step(Progress* p) : p_(p) {}
    Progress* p_;
  };
  [[nodiscard]] Step step(const std::string& message);

  void info(const std::string& line);  // always printed unless quiet
  void warn(const std::string& line);  // printed even when quiet
  Mode mode() const { return mode_; }

 private:
  void finish(bool ok, const std::string& detail);
  void spin();
  std::string stamp() const;
  void clear_line();

  Mode mode_;
  bool color_;
  std::FILE* out_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread spinner_;
  bool active_ = false;
  std::string message_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace boutique::core
