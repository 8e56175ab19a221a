#include "core/env_file.hpp"

#include <sstream>

#include "core/files.hpp"

namespace boutique::core {

std::optional<std::string> env_file_value(const std::filesystem::path& file,
                                          const std::string& key) {
  auto text = read_text(file);
  if (!text) return std::nullopt;
  std::optional<std::string> found;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line.erase(0, start);
    if (line.rfind("export ", 0) == 0) line.erase(0, 7);
    const auto eq = line.find('=');
    if (eq == std::string::npos || line.substr(0, eq) != key) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
      v = v.substr(1, v.size() - 2);
    found = v;
  }
  return found;
}

}  // namespace boutique::core
