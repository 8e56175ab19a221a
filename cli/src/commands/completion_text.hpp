#pragma once
// The text helpers the completion generators share (commands/completion*.cpp): joining names,
// quoting for POSIX shells, the case pattern of the options that take a value.
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "commands/completion.hpp"

namespace boutique::commands::completion::text {

inline std::string join(const std::vector<std::string>& v, std::string_view sep = " ") {
  return fmt::format("{}", fmt::join(v, sep));
}

// The names of the options that take a value, as a shell case pattern: --target|-o|--output.
inline std::string value_pattern(const std::vector<OptionSpec>& opts) {
  std::vector<std::string> names;
  for (const auto& o : opts)
    if (o.takes_value) names.insert(names.end(), o.names.begin(), o.names.end());
  return join(names, "|");
}

// 'text' for POSIX shells (bash, zsh).
inline std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// The first line of a description, short enough for a completion menu.
inline std::string brief(const std::string& d) {
  std::string s = d.substr(0, d.find('\n'));
  if (s.size() > 90) s = s.substr(0, 87) + "...";
  return s;
}

}  // namespace boutique::commands::completion::text
