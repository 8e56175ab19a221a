#include "state/state_dir.hpp"

#include <cstdlib>

#include "core/files.hpp"

namespace fs = std::filesystem;

namespace boutique::state {

fs::path state_dir(const core::Config& cfg) {
  return fs::absolute(cfg.path("state_dir")).lexically_normal();
}

void make_private_dir(const fs::path& dir, bool others_traverse) {
  fs::create_directories(dir);
  fs::permissions(dir, others_traverse ? fs::perms(0711) : fs::perms(0700));
}

void create_state_dir(const fs::path& dir, bool others_traverse) {
  make_private_dir(dir, others_traverse);
  if (!fs::exists(marker(dir)))
    core::write_text(marker(dir), "This directory is managed by `boutique` (local target).\n");
}

std::optional<std::string> read_secret(const fs::path& file) {
  auto v = core::read_text(file);
  if (!v) return std::nullopt;
  while (!v->empty() && (v->back() == '\n' || v->back() == '\r')) v->pop_back();
  return v->empty() ? std::nullopt : v;
}

std::string ensure_secret(const fs::path& file, const std::optional<std::string>& preset) {
  if (auto v = read_secret(file)) return *v;
  std::string value = preset ? *preset : core::random_secret(24);
  make_private_dir(file.parent_path(), false);
  core::write_text(file, value + "\n", fs::perms::owner_read | fs::perms::owner_write);
  return value;
}

Secret stored_or_env(const std::string& key, const fs::path& file, const char* env,
                     const std::string& otherwise) {
  if (auto v = read_secret(file)) return {key, *v, "state", file.string()};
  const char* e = env ? std::getenv(env) : nullptr;
  if (e && *e) return {key, e, "env", env};
  return {key, "", "state", otherwise};
}

}  // namespace boutique::state
