#include "dev/changes.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace boutique::dev {
namespace {

bool starts_with(const std::string& s, std::string_view p) {
  return s.compare(0, p.size(), p) == 0;
}

}  // namespace

bool within(const fs::path& p, const fs::path& dir) {
  const auto rel = p.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

std::vector<fs::path> watched_roots(const fs::path& root) {
  std::vector<fs::path> out;
  for (const char* d : {"api", "frontend/src", "frontend/public"})
    if (fs::is_directory(root / d)) out.push_back(root / d);
  return out;
}

Plan plan_changes(const core::ChangeBatch& batch, const fs::path& root) {
  Plan plan;
  plan.overflow = batch.overflow;
  for (const auto& abs : batch.paths) {
    if (!within(abs, root)) continue;
    const fs::path rel = abs.lexically_relative(root);
    if (within(rel, "api")) {
      if (within(rel, "api/tests")) continue;  // not part of boutique-api
      plan.api.push_back(rel);
      if (within(rel, "api/migrations") && rel.extension() == ".sql")
        plan.migrations.push_back(rel);
    } else if (within(rel, "frontend/src") || within(rel, "frontend/public") ||
               rel == "frontend/index.html") {
      plan.web.push_back(rel);
    }
  }
  return plan;
}

std::string describe(const std::vector<fs::path>& files) {
  if (files.empty()) return "nothing";
  if (files.size() == 1) return files.front().string();
  return fmt::format("{} and {} more", files.front().string(), files.size() - 1);
}

std::string first_compiler_error(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto is_error = [](const std::string& l) {
    return l.find(": error:") != std::string::npos ||
           l.find(": fatal error:") != std::string::npos ||
           l.find("undefined reference to") != std::string::npos || starts_with(l, "CMake Error");
  };
  const auto first = std::find_if(lines.begin(), lines.end(), is_error);
  if (first == lines.end()) return {};
  std::string out = *first;
  // GCC's source line and caret ("   12 |   foo();" / "      |   ^~~"), or CMake's indented
  // message: the lines right under it that are indented, at most 4.
  int taken = 0;
  for (auto it = first + 1; it != lines.end() && taken < 4; ++it, ++taken) {
    if (it->empty() || (it->front() != ' ' && it->front() != '\t')) break;
    out += "\n" + *it;
  }
  return out;
}

}  // namespace boutique::dev
