#include "targets/local/layout.hpp"

#include <functional>

#include <fmt/format.h>

#include "core/system.hpp"

namespace fs = std::filesystem;

namespace boutique::targets::local {

Layout Layout::from(const core::Config& cfg) {
  return at(cfg.root(), fs::absolute(cfg.path("local.state_dir")).lexically_normal());
}

Layout Layout::at(const fs::path& root, const fs::path& state) {
  Layout l;
  l.root = root;
  l.state = state;
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

void make_private_dir(const fs::path& dir, bool others_traverse) {
  fs::create_directories(dir);
  fs::permissions(dir, others_traverse ? fs::perms(0711) : fs::perms(0700));
}

void Layout::create() const {
  // As root, PostgreSQL runs as `postgres` and nginx's workers as local.web_user: they need to
  // traverse the state dir (to pg/ and web/tmp/), never to list or read it.
  const bool as_root = core::is_root();
  make_private_dir(state, as_root);
  for (const auto& d : {run(), logs(), secrets()}) make_private_dir(d, false);
  make_private_dir(web(), as_root);
  if (!fs::exists(marker()))
    core::write_text(marker(), "This directory is managed by `boutique` (local target).\n");
}

fs::path Layout::relocated_web() const {
  std::size_t h = std::hash<std::string>{}(state.string());
  return fs::path("/var/lib/boutique") / fmt::format("web-{:016x}", h);
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
  make_private_dir(l.secrets(), false);
  core::write_text(l.secrets() / name, value + "\n",
                   fs::perms::owner_read | fs::perms::owner_write);
  return value;
}

}  // namespace boutique::targets::local
