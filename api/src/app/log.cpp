#include "app/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "domain/json_text.hpp"

namespace boutique::app::log {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kJson};

std::string& thread_buffer() {
  thread_local std::string buf;
  return buf;
}

void append_timestamp(std::string& out) {
  // "2026-11-26T03:40:12" is formatted once per second per thread; only the milliseconds change.
  thread_local std::time_t cached_secs = -1;
  thread_local std::string cached;
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  if (secs != cached_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    cached = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_secs = secs;
  }
  out += cached;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + ms / 100));
  out.push_back(static_cast<char>('0' + ms / 10 % 10));
  out.push_back(static_cast<char>('0' + ms % 10));
  out.push_back('Z');
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kInfo:
      break;
  }
  return "info";
}

bool json() {
  return g_format.load(std::memory_order_relaxed) == LogFormat::kJson;
}

}  // namespace

void set_format(LogFormat format) {
  g_format.store(format);
}

Line::Line(Level level, std::string_view message) : buf_(thread_buffer()) {
  buf_.clear();
  if (json()) {
    buf_ += "{\"ts\":\"";
    append_timestamp(buf_);
    buf_ += "\",\"level\":\"";
    buf_ += level_name(level);
    buf_ += "\",\"msg\":";
    domain::append_json_string(buf_, message);
  } else {
    append_timestamp(buf_);
    buf_.push_back(' ');
    buf_ += level_name(level);
    buf_.push_back(' ');
    buf_ += message;
  }
}

void Line::key(std::string_view k) {
  if (json()) {
    buf_.push_back(',');
    domain::append_json_string(buf_, k);
    buf_.push_back(':');
  } else {
    buf_.push_back(' ');
    buf_ += k;
    buf_.push_back('=');
  }
}

Line& Line::str(std::string_view k, std::string_view value) {
  key(k);
  if (json()) {
    domain::append_json_string(buf_, value);
  } else if (value.find_first_of(" \"=") != std::string_view::npos || value.empty()) {
    domain::append_json_string(buf_, value);
  } else {
    buf_ += value;
  }
  return *this;
}

// Numbers through std::to_chars: every request's line has two, and fmt's parse of a format
// string per call showed in the list's profile (3 % of the API's user time).
Line& Line::num(std::string_view k, long long value) {
  key(k);
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  buf_.append(text, end);
  return *this;
}

Line& Line::real(std::string_view k, double value) {
  key(k);
  char text[64];
  const auto [end, ec] =
      std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 3);
  if (ec == std::errc{}) {
    buf_.append(text, end);
  } else {
    buf_ += "null";  // beyond 10^60: not a duration this API measures
  }
  return *this;
}

Line::~Line() {
  if (json()) buf_.push_back('}');
  buf_.push_back('\n');
  const char* p = buf_.data();
  std::size_t left = buf_.size();
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // nowhere to report a failing log; never throw from here
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace boutique::app::log
