#pragma once
// A throwaway project workspace for tests that run the real stack (the pipeline, the Jenkinsfile's
// steps): a temporary directory the postgres and www-data users can traverse, holding what
// `boutique up` reads from a checkout (the API's migrations, the nginx template) but no frontend
// sources (`up` then serves its generated page instead of running npm), free ports, and the
// environment that points `boutique` at them. The destructor stops whatever is left running
// (`down`, else SIGKILL of the pid files' processes).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "core/process.hpp"
#include "free_port.hpp"
#include "hermetic_env.hpp"
#include "targets/local/layout.hpp"

namespace boutique::fixture {

class Workspace {
 public:
  // `prefix`: the temp directory's name ("/tmp/<prefix>-XXXXXX").
  explicit Workspace(const std::string& prefix) {
    fake::clear_boutique_env();
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    base = tmpl;
    std::filesystem::permissions(base, std::filesystem::perms(0755));
    root = base / "ws";
    std::filesystem::create_directories(root / "api");
    std::filesystem::create_directories(root / "frontend");
    link("api/migrations");
    link("frontend/nginx");
    std::set<int> taken;
    for (int* p : {&api_port, &web_port, &db_port}) {
      do *p = free_port();
      while (taken.count(*p));
      taken.insert(*p);
    }
    env = {{"BOUTIQUE_API_PORT", std::to_string(api_port)},
           {"BOUTIQUE_WEB_PORT", std::to_string(web_port)},
           {"BOUTIQUE_DB_PORT", std::to_string(db_port)},
           {"BOUTIQUE_HEALTH_TIMEOUT", "90"},
           {"NO_COLOR", "1"}};
  }
  ~Workspace() {
    // Best effort, even after a failure: nothing may be left running. Never throws (a destructor
    // that throws aborts the test and leaves the directory behind).
    bool down = false;
    try {
      down = run({"down", "--volumes", "--yes"}).exit_code == 0;
    } catch (const std::exception& e) {
      std::cerr << "cleaning up " << base << ": " << e.what() << "\n";
    }
    if (!down) kill_what_is_left();
    std::error_code ec;
    std::filesystem::remove_all(base, ec);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // When `down` failed: SIGKILL the API, nginx and PostgreSQL of the pid files under the default
  // state dir (<root>/.boutique), so that no test leaves a server behind.
  void kill_what_is_left() const {
    const auto layout = targets::local::Layout::at(root, root / ".boutique");
    for (const auto& file : {layout.run() / "api.pid", layout.run() / "web.pid",
                             layout.pg_data() / "postmaster.pid"}) {
      const auto pid = core::read_pid_file(file);
      if (!pid || *pid <= 1 || !core::process_alive(*pid)) continue;
      std::cerr << "cleaning up " << base << ": SIGKILL " << *pid << " (" << file << ")\n";
      ::kill(*pid, SIGKILL);
    }
  }

  // <root>/<rel> -> <source tree>/<rel>
  void link(const std::string& rel) {
    std::filesystem::create_directories((root / rel).parent_path());
    const auto target = std::filesystem::path(BOUTIQUE_SOURCE_DIR) / rel;
    if (std::filesystem::is_directory(target))
      std::filesystem::create_directory_symlink(target, root / rel);
    else
      std::filesystem::create_symlink(target, root / rel);
  }

  // `boutique ARGS` in the workspace, with the workspace's environment (+ `extra`).
  core::Result run(std::vector<std::string> args, std::map<std::string, std::string> extra = {},
                   std::chrono::seconds timeout = std::chrono::seconds(300)) {
    args.insert(args.begin(), BOUTIQUE_CLI);
    return exec(args, extra, timeout);
  }
  core::Result exec(const std::vector<std::string>& argv,
                    std::map<std::string, std::string> extra = {},
                    std::chrono::seconds timeout = std::chrono::seconds(300)) {
    auto e = env;
    for (auto& [k, v] : extra) e[k] = v;
    auto r = runner.run({argv, e, root, timeout, {}});
    std::cerr << "$ " << core::display(argv) << "  -> " << r.describe() << "\n" << r.out << r.err;
    return r;
  }
  std::string url(int port, const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  // POST /api/auth/login as the admin on this workspace's API.
  core::HttpResponse admin_login(const std::string& password) const {
    using namespace std::chrono_literals;
    const std::string body =
        nlohmann::json{{"email", "admin@boutique.local"}, {"password", password}}.dump();
    return core::http_request({"POST",
                               url(api_port, "/api/auth/login"),
                               body,
                               {{"Content-Type", "application/json"}},
                               5s,
                               {}});
  }
  // The last lines of the stack's logs (for a failing test's output).
  void dump_logs(const std::filesystem::path& state) const {
    for (const char* log : {"logs/api.log", "logs/web.log", "pg/postgresql.log"})
      std::cerr << "---- last lines of " << log << "\n"
                << core::tail_lines(core::read_text(state / log).value_or("(none)"), 30) << "\n";
  }

  core::PosixProcessRunner runner;
  std::filesystem::path base, root;
  int api_port = 0, web_port = 0, db_port = 0;
  std::map<std::string, std::string> env;
};

}  // namespace boutique::fixture
