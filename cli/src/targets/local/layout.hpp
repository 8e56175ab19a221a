#pragma once
// Where the local target keeps everything (docs/cli.md, "State directory"):
// Modes (docs/security.md): <state> and web/ 0700 (0711 as root: `postgres` and the nginx workers
// must traverse them), secrets/ logs/ run/ 0700, secret files and the API log 0600.
//   <state>/.boutique-state   marker: `down --volumes` only deletes a directory that has it
//   <state>/lock              flock held by up/down
//   <state>/secrets/          db_password, admin_password
//   <state>/run/              api.pid, web.pid
//   <state>/logs/             api.log, web.log (nginx errors), web-access.log
//   <state>/web/              nginx.conf, boutique.conf, tmp/, placeholder/ (the page shown
//                             until the UI is built)
//   <pg home>/                data/, sock/, postgresql.log. <pg home> is <state>/pg, unless
//                             the `postgres` user cannot reach the state dir: then
//                             /var/lib/boutique/pg-<hash>, recorded in <state>/pg-home
//   /var/lib/boutique/web-<hash>/  a copy of the built UI, only as root when the nginx workers'
//                             account cannot read the checkout (a clone under /root)
#include <filesystem>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "state/state_dir.hpp"

namespace boutique::targets::local {

struct Layout {
  std::filesystem::path root;  // project root (api/migrations, frontend/)
  std::filesystem::path state;
  std::filesystem::path pg_home;
  bool pg_external = false;

  static Layout from(const core::Config& cfg);
  // The layout of the state dir `state` (absolute) of the checkout `root`.
  static Layout at(const std::filesystem::path& root, const std::filesystem::path& state);

  std::filesystem::path marker() const { return state::marker(state); }
  std::filesystem::path lock() const { return state / "lock"; }
  std::filesystem::path secrets() const { return state / "secrets"; }
  std::filesystem::path run() const { return state / "run"; }
  std::filesystem::path logs() const { return state / "logs"; }
  std::filesystem::path web() const { return state / "web"; }
  std::filesystem::path pg_data() const { return pg_home / "data"; }
  std::filesystem::path pg_sock() const { return pg_home / "sock"; }
  std::filesystem::path pg_log() const { return pg_home / "postgresql.log"; }
  std::filesystem::path pg_home_file() const { return state / "pg-home"; }
  // Where the UI is served from when the nginx workers cannot reach the checkout (see above).
  std::filesystem::path relocated_web() const;

  // Creates the directories above (not pg home) and the marker.
  void create() const;
  // Moves PostgreSQL's home out of the state dir (and records it), for an unreachable state dir.
  void relocate_pg_home();
};

}  // namespace boutique::targets::local
