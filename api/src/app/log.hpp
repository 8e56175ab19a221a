#pragma once
// One line per event on stdout, JSON (default) or text. A line is built in a thread-local buffer
// and written with a single write(2): lines from different threads never interleave and no lock is
// taken.
//   log::info("request").str("method", "GET").num("status", 200);   // emitted at the end of the
//   statement
#include <string>
#include <string_view>

#include "app/config.hpp"

namespace boutique::app::log {

enum class Level { kInfo, kWarn, kError };

void set_format(LogFormat format);

class Line {
 public:
  Line(Level level, std::string_view message);
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line();

  Line& str(std::string_view key, std::string_view value);
  Line& num(std::string_view key, long long value);
  Line& real(std::string_view key, double value);

 private:
  void key(std::string_view k);
  std::string& buf_;
};

inline Line info(std::string_view message) {
  return Line(Level::kInfo, message);
}
inline Line warn(std::string_view message) {
  return Line(Level::kWarn, message);
}
inline Line error(std::string_view message) {
  return Line(Level::kError, message);
}

}  // namespace boutique::app::log
