#include "targets/local/layout.hpp"

#include <functional>

#include <fmt/format.h>

#include "core/files.hpp"
#include "core/users.hpp"

namespace fs = std::filesystem;

namespace boutique::targets::local {

Layout Layout::from(const core::Config& cfg) {
  return at(cfg.root(), state::state_dir(cfg));
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

void Layout::create() const {
  // As root, PostgreSQL runs as `postgres` and nginx's workers as local.web_user: they need to
  // traverse the state dir (to pg/ and web/tmp/), never to list or read it.
  const bool as_root = core::is_root();
  state::create_state_dir(state, as_root);
  for (const auto& d : {run(), logs(), secrets()}) state::make_private_dir(d, false);
  state::make_private_dir(web(), as_root);
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

}  // namespace boutique::targets::local
