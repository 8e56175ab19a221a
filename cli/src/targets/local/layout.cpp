#include "targets/local/layout.hpp"

#include <functional>

#include <fmt/format.h>

#include "core/system.hpp"

namespace fs = std::filesystem;

namespace boutique::targets::local {

Layout Layout::from(const core::Config& cfg) {
  Layout l;
  l.root = cfg.root();
  l.state = fs::absolute(cfg.path("local.state_dir")).lexically_normal();
  l.pg_home = l.state / "pg";
  if (auto ext = core::read_text(l.pg_home_file())) {
    std::string p = *ext;
    while (!p.empty() && (p.back() == '\n' || p.back() == ' ')) p.pop_back();
    if (!p.empty()) {
      l.pg_home = p;
      l.pg_external = true;
    }
  }
  return l;
}

void Layout::create() const {
  for (const auto& d : {state, run(), logs(), web()}) fs::create_directories(d);
  fs::create_directories(secrets());
  fs::permissions(secrets(), fs::perms::owner_all);
  if (!fs::exists(marker()))
    core::write_text(marker(), "This directory is managed by `boutique` (local target).\n");
}

void Layout::relocate_pg_home() {
  std::size_t h = std::hash<std::string>{}(state.string());
  pg_home = fs::path("/var/lib/boutique") / fmt::format("pg-{:016x}", h);
  pg_external = true;
  core::write_text(pg_home_file(), pg_home.string() + "\n");
}

std::optional<std::string> read_secret(const Layout& l, const std::string& name) {
  auto v = core::read_text(l.secrets() / name);
  if (!v) return std::nullopt;
  while (!v->empty() && (v->back() == '\n' || v->back() == '\r')) v->pop_back();
  return v->empty() ? std::nullopt : v;
}

std::string ensure_secret(const Layout& l, const std::string& name,
                          const std::optional<std::string>& preset) {
  if (auto v = read_secret(l, name)) return *v;
  std::string value = preset ? *preset : core::random_secret(24);
  fs::create_directories(l.secrets());
  fs::permissions(l.secrets(), fs::perms::owner_all);
  core::write_text(l.secrets() / name, value + "\n",
                   fs::perms::owner_read | fs::perms::owner_write);
  return value;
}

}  // namespace boutique::targets::local
