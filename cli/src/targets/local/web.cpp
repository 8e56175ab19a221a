#include "targets/local/web.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "core/users.hpp"
#include "probes/ports.hpp"
#include "probes/stack.hpp"
#include "targets/local/start_wait.hpp"
#include "targets/local/status_rows.hpp"
#include "targets/local/urls.hpp"
#include "ui/build.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::local {

extern const char* const kEmbeddedNginxTemplate;  // generated from the template at build time

namespace {

// nginx creates its log files 0644 (`nginx -t` already does); an existing file keeps its mode, so
// they are created here first, owner only (docs/security.md).
void create_private_log(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;  // nginx reports what is wrong with the path
  ::fchmod(fd, 0600);
  ::close(fd);
}

// Served until the React frontend exists: a real page listing the catalogue from the API.
constexpr const char* kPlaceholder = R"HTML(<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ma Boutique</title>
<style>
 body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
 table{border-collapse:collapse;width:100%}td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}
 td.prix{text-align:right}.note{color:#666;font-size:.9rem}
</style>
</head>
<body>
<h1>Ma Boutique</h1>
<p class="note">Page provisoire servie par <code>boutique up</code> en attendant l'interface React.</p>
<p id="etat">Chargement du catalogue…</p>
<table id="produits" hidden><thead><tr><th>Produit</th><th>Catégorie</th><th>Prix</th><th>Stock</th></tr></thead><tbody></tbody></table>
<script>
fetch('/api/produits?par_page=100').then(r => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
.then(produits => {
  const tbody = document.querySelector('#produits tbody');
  for (const p of produits) {
    const tr = document.createElement('tr');
    for (const [v, c] of [[p.nom], [p.categorie], [Number(p.prix).toFixed(2) + ' €', 'prix'], [p.stock]]) {
      const td = document.createElement('td'); td.textContent = v; if (c) td.className = c; tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
  document.getElementById('etat').textContent = produits.length + ' produits';
  document.getElementById('produits').hidden = false;
}).catch(e => { document.getElementById('etat').textContent = 'API indisponible : ' + e.message; });
</script>
</body>
</html>
)HTML";

std::string quoted(const fs::path& p) {
  std::string out = "\"";
  for (char c : p.string())
    out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string render_template(const std::string& text,
                            const std::map<std::string, std::string>& vars) {
  std::string out = text;
  for (const auto& [k, v] : vars) {
    const std::string ph = "${" + k + "}";
    for (auto pos = out.find(ph); pos != std::string::npos; pos = out.find(ph, pos + v.size()))
      out.replace(pos, ph.size(), v);
  }
  // Only lines that are not comments can carry an unreplaced placeholder that matters.
  static const std::regex left(R"(^[^#\n]*\$\{(BOUTIQUE_[A-Z0-9_]+)\})", std::regex::multiline);
  std::smatch m;
  if (std::regex_search(out, m, left))
    throw core::ConfigError(
        fmt::format("nginx template: no value for placeholder ${{{}}}", m[1].str()));
  return out;
}

std::string nginx_template(const fs::path& root) {
  if (auto t = core::read_text(root / "frontend" / "nginx" / "boutique.conf.template")) return *t;
  if (*kEmbeddedNginxTemplate == '\0')
    throw core::MissingPrerequisite(
        (root / "frontend" / "nginx" / "boutique.conf.template").string() + " is missing",
        "run boutique from the project (or restore that file)");
  return kEmbeddedNginxTemplate;
}

Web::Web(core::Context& ctx, const Layout& layout) : ctx_(ctx), layout_(layout) {}

int Web::port() const {
  return ctx_.config.integer("ports.web");
}

std::string Web::base_url() const {
  return local_url(ctx_, port());
}

fs::path Web::nginx() const {
  fs::path p = core::find_program("nginx");
  if (p.empty() && fs::exists("/usr/sbin/nginx")) p = "/usr/sbin/nginx";
  if (p.empty()) throw core::MissingPrerequisite("nginx not found", "apt-get install nginx-light");
  return p;
}

std::vector<std::string> Web::nginx_argv() const {
  return {nginx().string(),
          "-p",
          layout_.web().string(),
          "-c",
          (layout_.web() / "nginx.conf").string(),
          "-e",
          error_log().string()};
}

void Web::preflight() const {
  nginx();
  const fs::path frontend = layout_.root / "frontend";
  if (!ctx_.config.path("local.web_root").empty() || !ui::ui_needs_build(frontend)) return;
  std::string why;
  if (!ui::find_node(*ctx_.runner, frontend, why))
    throw core::MissingPrerequisite(
        "the web UI must be built (frontend/dist is missing or stale) but " + why, ui::kNodeHint);
}

void Web::prepare_ui() {
  fs::path configured = ctx_.config.path("local.web_root");
  fs::path frontend = layout_.root / "frontend";
  if (!configured.empty()) {
    web_root_ = configured;
  } else if (fs::exists(frontend / "package.json")) {
    ui::build_ui_if_stale(ctx_, frontend);
    web_root_ = frontend / "dist";
  } else if (fs::exists(frontend / "dist" / "index.html")) {
    web_root_ = frontend / "dist";
  } else {
    web_root_ = layout_.web() / "placeholder";
    fs::create_directories(web_root_);
    core::write_text(web_root_ / "index.html", kPlaceholder);
  }
  if (!fs::exists(web_root_ / "index.html"))
    throw core::ConfigError(fmt::format("web root {} has no index.html", web_root_.string()),
                            "build the frontend, or fix local.web_root");
  if (configured.empty()) relocate_if_unreadable();
}

// As root, nginx's workers run as local.web_user. A checkout under a directory other accounts
// cannot traverse (a clone in /root; a Debian 12 home is 0700) hides the built UI from them: serve
// a copy from /var/lib/boutique instead, as PostgreSQL's data moves there for the same reason.
// An explicit local.web_root is left alone (check_readable_by_workers says what is wrong).
void Web::relocate_if_unreadable() {
  if (!core::is_root()) return;
  const std::string user = ctx_.config.str("local.web_user");
  if (!core::lookup_user(user)) return;  // check_readable_by_workers reports it
  auto r = ctx_.runner->run(
      {{"runuser", "-u", user, "--", "test", "-r", (web_root_ / "index.html").string()},
       {},
       {},
       10s,
       {}});
  if (r.ok()) return;
  const fs::path copy = layout_.relocated_web();
  const fs::path tmp = copy.string() + ".new";
  fs::remove_all(tmp);
  fs::create_directories(copy.parent_path());
  fs::permissions(copy.parent_path(), fs::perms::others_exec, fs::perm_options::add);
  fs::copy(web_root_, tmp, fs::copy_options::recursive);
  fs::permissions(tmp, fs::perms(0755));
  for (const auto& e : fs::recursive_directory_iterator(tmp))
    fs::permissions(e.path(), e.is_directory() ? fs::perms(0755) : fs::perms(0644));
  fs::remove_all(copy);
  fs::rename(tmp, copy);
  ctx_.progress->warn(fmt::format(
      "nginx's workers ('{}') cannot read {}: the UI is served from a copy in {} (refreshed at "
      "each up; `down --volumes` removes it). To serve the checkout itself: chmod o+x on its "
      "parent directories, or clone it elsewhere.",
      user, web_root_.string(), copy.string()));
  web_root_ = copy;
}

void Web::check_readable_by_workers() {
  if (!core::is_root()) return;
  const std::string user = ctx_.config.str("local.web_user");
  if (!core::lookup_user(user))
    throw core::ConfigError(fmt::format("local.web_user: no such user '{}'", user),
                            "set local.web_user to an existing account (www-data, nobody)");
  const fs::path index = web_root_ / "index.html";
  auto r = ctx_.runner->run(
      {{"runuser", "-u", user, "--", "test", "-r", index.string()}, {}, {}, 10s, {}});
  if (r.ok()) return;
  fs::path blocker;
  for (fs::path p = web_root_; p != p.root_path(); p = p.parent_path())
    if ((fs::status(p).permissions() & fs::perms::others_exec) == fs::perms::none) blocker = p;
  throw core::MissingPrerequisite(
      fmt::format("nginx workers run as '{}', which cannot read {}{}", user, index.string(),
                  blocker.empty()
                      ? ""
                      : fmt::format(" ({} is not traversable by others)", blocker.string())),
      blocker.empty() ? "make the web root readable by that user, or set local.web_user"
                      : fmt::format("chmod o+x {} , or set state_dir / local.web_root to a "
                                    "reachable place, or local.web_user",
                                    blocker.string()));
}

bool Web::write_config(const std::string& api_upstream) {
  create_private_log(error_log());
  create_private_log(access_log());
  const std::string bind = ctx_.config.str("local.bind");
  std::string server = render_template(nginx_template(layout_.root),
                                       {{"BOUTIQUE_WEB_LISTEN", fmt::format("{}:{}", bind, port())},
                                        {"BOUTIQUE_WEB_ROOT", quoted(web_root_)},
                                        {"BOUTIQUE_API_UPSTREAM", api_upstream}});
  const fs::path tmp = layout_.web() / "tmp";
  std::string main = fmt::format(
      "# written by `boutique up`: edit frontend/nginx/boutique.conf.template or boutique.yaml\n"
      "{}worker_processes 1;\ndaemon off;\npid {};\nerror_log {} notice;\n"
      "events {{ worker_connections 512; }}\n"
      "http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
      "  access_log {};\n  sendfile on;\n"
      "  client_body_temp_path {};\n  proxy_temp_path {};\n  fastcgi_temp_path {};\n"
      "  uwsgi_temp_path {};\n  scgi_temp_path {};\n  include {};\n}}\n",
      core::is_root() ? fmt::format("user {};\n", ctx_.config.str("local.web_user")) : "",
      quoted(layout_.web() / "nginx.pid"), quoted(error_log()), quoted(access_log()),
      quoted(tmp / "body"), quoted(tmp / "proxy"), quoted(tmp / "fastcgi"), quoted(tmp / "uwsgi"),
      quoted(tmp / "scgi"), quoted(layout_.web() / "boutique.conf"));
  bool changed = core::read_text(layout_.web() / "boutique.conf") != server ||
                 core::read_text(layout_.web() / "nginx.conf") != main;
  if (!changed) return false;
  fs::create_directories(tmp);
  if (core::is_root())
    if (auto u = core::lookup_user(ctx_.config.str("local.web_user")))
      core::chown_recursive(tmp, u->uid, u->gid);
  core::write_text(layout_.web() / "boutique.conf", server);
  core::write_text(layout_.web() / "nginx.conf", main);
  auto argv = nginx_argv();
  argv.push_back("-t");
  argv.push_back("-q");
  core::require_ok(ctx_.runner->run({argv, {}, {}, 30s, {}}), argv,
                   fmt::format("the generated config is in {}", layout_.web().string()));
  return true;
}

std::optional<pid_t> Web::pid() const {
  return core::read_live_pid(pid_file());
}

pid_t Web::start() {
  check_readable_by_workers();
  probes::require_port_free(ctx_.config.str("local.bind"), port(), "ports.web", "BOUTIQUE_WEB_PORT",
                            "web UI");
  pid_t p = ctx_.runner->spawn_detached({nginx_argv(), {}, layout_.web(), error_log()});
  // Our own pid file: nginx rewrites its own (web/nginx.pid) and may be caught mid-write.
  core::write_pid_file(pid_file(), p);
  return p;
}

void Web::reload() {
  if (auto p = pid()) ::kill(*p, SIGHUP);
}

void Web::wait_ready(Clock::time_point deadline) {
  wait_http_ready(ctx_, "the web UI", base_url(), "/", pid_file(), error_log(), deadline);
}

void Web::stop(std::chrono::milliseconds grace) {
  auto p = pid();
  // SIGQUIT: graceful shutdown (finish open requests); SIGKILL after the grace period.
  if (p && !core::stop_process(*p, SIGQUIT, grace))
    throw core::TimeoutError(fmt::format("nginx (pid {}) did not stop", *p));
  std::error_code ec;
  fs::remove(pid_file(), ec);
}

std::vector<core::Check> Web::checks() {
  std::vector<core::Check> out;
  const std::string host = probe_host(ctx_.config.str("local.bind"));
  bool listening = add_process_and_port(out, "web", "nginx", pid(), host, port(),
                                        "run `boutique up`; see `boutique logs web`");
  auto http = probes::web_checks({"", listening ? base_url() : "", "port closed", ""});
  out.insert(out.end(), http.begin(), http.end());
  return out;
}

}  // namespace boutique::targets::local
