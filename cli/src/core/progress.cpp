#include "core/progress.hpp"

#include <unistd.h>

#include <ctime>

#include <fmt/format.h>

#include "core/output.hpp"

namespace boutique::core {

using Clock = std::chrono::steady_clock;

Progress::Mode Progress::detect(bool quiet, std::FILE* out) {
  if (quiet) return Mode::quiet;
  return ::isatty(fileno(out)) ? Mode::live : Mode::plain;
}

Progress::Progress(Mode mode, bool color, std::FILE* out) : mode_(mode), color_(color), out_(out) {}

Progress::~Progress() {
  if (active_) finish(false, "interrupted");
}

Progress::Step::~Step() {
  if (p_) p_->finish(false, {});
}
void Progress::Step::done(const std::string& detail) {
  if (p_) p_->finish(true, detail);
  p_ = nullptr;
}
void Progress::Step::fail(const std::string& detail) {
  if (p_) p_->finish(false, detail);
  p_ = nullptr;
}

std::string Progress::stamp() const {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void Progress::clear_line() {
  std::fputs("\r\033[2K", out_);
}

Progress::Step Progress::step(const std::string& message) {
  if (active_) finish(true, {});
  {
    std::lock_guard lk(mu_);
    active_ = true;
    message_ = message;
    started_ = Clock::now();
  }
  if (mode_ == Mode::plain) {
    std::fprintf(out_, "[%s] %s...\n", stamp().c_str(), message.c_str());
    std::fflush(out_);
  } else if (mode_ == Mode::live) {
    spinner_ = std::thread([this] { spin(); });
  }
  return Step(this);
}

void Progress::spin() {
  static const char* frames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  std::unique_lock lk(mu_);
  for (std::size_t i = 0; active_; ++i) {
    double secs = std::chrono::duration<double>(Clock::now() - started_).count();
    clear_line();
    std::fprintf(out_, "%s %s %s(%.1fs)%s", frames[i % 10], message_.c_str(),
                 color_ ? ansi::dim : "", secs, color_ ? ansi::reset : "");
    std::fflush(out_);
    cv_.wait_for(lk, std::chrono::milliseconds(100));
  }
}

void Progress::finish(bool ok, const std::string& detail) {
  std::string message;
  double secs = 0;
  {
    std::lock_guard lk(mu_);
    if (!active_) return;
    active_ = false;
    message = message_;
    secs = std::chrono::duration<double>(Clock::now() - started_).count();
  }
  cv_.notify_all();
  if (spinner_.joinable()) spinner_.join();
  if (mode_ == Mode::quiet && ok) return;
  std::string text = detail.empty() ? message : fmt::format("{}: {}", message, detail);
  const char* mark = ok ? "✓" : "✗";
  const char* col = ok ? ansi::green : ansi::red;
  if (mode_ == Mode::live) {
    clear_line();
    std::fprintf(out_, "%s%s%s %s %s(%.1fs)%s\n", color_ ? col : "", mark,
                 color_ ? ansi::reset : "", text.c_str(), color_ ? ansi::dim : "", secs,
                 color_ ? ansi::reset : "");
  } else {
    std::fprintf(out_, "[%s] %s %s (%.1fs)\n", stamp().c_str(), ok ? "ok" : "FAILED", text.c_str(),
                 secs);
  }
  std::fflush(out_);
}

void Progress::info(const std::string& line) {
  if (mode_ == Mode::quiet) return;
  std::lock_guard lk(mu_);  // the spinner redraws its line after ours
  if (mode_ == Mode::live && active_) clear_line();
  if (mode_ == Mode::plain)
    std::fprintf(out_, "[%s] %s\n", stamp().c_str(), line.c_str());
  else
    std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void Progress::warn(const std::string& line) {
  std::lock_guard lk(mu_);
  if (mode_ == Mode::live && active_) clear_line();
  if (mode_ == Mode::plain)
    std::fprintf(out_, "[%s] warning: %s\n", stamp().c_str(), line.c_str());
  else
    std::fprintf(out_, "%swarning:%s %s\n", color_ ? ansi::yellow : "", color_ ? ansi::reset : "",
                 line.c_str());
  std::fflush(out_);
}

}  // namespace boutique::core
