#pragma once
// What `boutique dev` does with a batch of saved files (pure functions, unit-tested): which part
// they belong to, and the compiler's first error when a rebuild fails.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/watcher.hpp"

namespace boutique::dev {

struct Options {
  std::optional<int> timeout_s;  // each part's health wait (default: health_timeout)
  bool ui = true;                // local: Vite's dev server for the UI (false: nginx, as `up`)
};

// The parts a batch of changes touches, each with its files (relative to the project root).
struct Plan {
  std::vector<std::filesystem::path> api;         // api/ less api/tests: rebuild boutique-api
  std::vector<std::filesystem::path> migrations;  // the new or changed api/migrations/*.sql
  std::vector<std::filesystem::path> web;         // frontend/src, frontend/index.html, public/
  bool overflow = false;                          // events were lost: rebuild everything
  bool empty() const { return api.empty() && web.empty() && !overflow; }
};
// The watched directories of a project root: api/ and frontend/src (and frontend/public), those
// that exist.
std::vector<std::filesystem::path> watched_roots(const std::filesystem::path& root);
Plan plan_changes(const core::ChangeBatch& batch, const std::filesystem::path& root);

// `p` is `dir` or under it, lexically (both absolute, or both relative to one place).
bool within(const std::filesystem::path& p, const std::filesystem::path& dir);

// "api/src/http/server.cpp", or "api/src/http/server.cpp and 2 more".
std::string describe(const std::vector<std::filesystem::path>& files);

// The first error of a build's output (GCC/Clang's `file:line:col: error:` with the source and
// caret lines under it, a linker's undefined reference, a CMake Error with its message), without
// the "In file included from" lines before it. Empty when the output holds none.
std::string first_compiler_error(const std::string& output);

}  // namespace boutique::dev
