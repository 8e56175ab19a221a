// Local target pieces that need no running stack: the nginx template, the PostgreSQL commands
// (checked with a scripted fake runner), secrets on disk, migration numbering, port facts.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "core/ports.hpp"
#include "core/users.hpp"
#include "fake_runner.hpp"
#include "probes/ports.hpp"
#include "probes/stack.hpp"
#include "targets/local/api.hpp"
#include "targets/local/postgres.hpp"
#include "targets/local/web.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace boutique::targets::local;

namespace {

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("boutique-test-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

core::Context fake_context(std::unique_ptr<core::ProcessRunner> runner, const fs::path& state) {
  core::LoadInputs in;
  in.cwd = state;
  in.discover = false;
  in.getenv = [](const std::string&) { return std::nullopt; };
  in.flags = {{"state_dir", state.string()}};
  core::Context ctx{core::Config::load(in), std::move(runner),
                    std::make_unique<core::Progress>(core::Progress::Mode::quiet, false)};
  return ctx;
}

// The psql command line ensure_database() must run (as `postgres` when we are root).
std::vector<std::string> expected_psql(Postgres& pg, const Layout& layout) {
  std::vector<std::string> argv = {(pg.bindir() / "psql").string(),
                                   "-X",
                                   "-q",
                                   "-v",
                                   "ON_ERROR_STOP=1",
                                   "-h",
                                   layout.pg_sock().string(),
                                   "-p",
                                   "5433",
                                   "-U",
                                   "postgres",
                                   "-d",
                                   "postgres"};
  if (core::is_root()) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return argv;
}

}  // namespace

TEST(NginxTemplate, RendersEveryPlaceholderOfTheProjectTemplate) {
  std::string t = nginx_template(BOUTIQUE_SOURCE_DIR);
  std::string out = render_template(t, {{"BOUTIQUE_WEB_LISTEN", "127.0.0.1:5173"},
                                        {"BOUTIQUE_WEB_ROOT", "\"/srv/www\""},
                                        {"BOUTIQUE_API_UPSTREAM", "127.0.0.1:5000"}});
  EXPECT_NE(out.find("listen 127.0.0.1:5173;"), std::string::npos);
  EXPECT_NE(out.find("server 127.0.0.1:5000;"), std::string::npos);
  EXPECT_NE(out.find("try_files $uri $uri/ /index.html;"),
            std::string::npos);  // nginx's own $vars stay
  EXPECT_NE(out.find("location /api/"), std::string::npos);
  EXPECT_NE(out.find("location = /healthz"), std::string::npos);
  EXPECT_NE(out.find("location = /readyz"), std::string::npos);
}

TEST(NginxTemplate, MissingPlaceholderValueIsAnError) {
  EXPECT_THROW(render_template("listen ${BOUTIQUE_WEB_LISTEN};\n", {}), core::ConfigError);
  // ...but not in a comment.
  EXPECT_NO_THROW(render_template("# ${BOUTIQUE_X}\nlisten 80;\n", {}));
}

TEST(NginxTemplate, RenderedConfigPassesNginxT) {
  if (core::find_program("nginx").empty() && !fs::exists("/usr/sbin/nginx"))
    GTEST_SKIP() << "nginx not installed (apt-get install nginx-light)";
  TempDir d;
  fs::create_directories(d.path / "www");
  std::ofstream(d.path / "www" / "index.html") << "<html></html>";
  std::string server = render_template(nginx_template(BOUTIQUE_SOURCE_DIR),
                                       {{"BOUTIQUE_WEB_LISTEN", "127.0.0.1:1"},
                                        {"BOUTIQUE_WEB_ROOT", (d.path / "www").string()},
                                        {"BOUTIQUE_API_UPSTREAM", "127.0.0.1:2"}});
  std::ofstream(d.path / "server.conf") << server;
  std::ofstream(d.path / "nginx.conf")
      << "pid " << (d.path / "nginx.pid").string() << ";\nerror_log " << (d.path / "e.log").string()
      << ";\nevents {}\nhttp {\n include /etc/nginx/mime.types;\n access_log off;\n"
      << " client_body_temp_path " << d.path.string() << "/t1; proxy_temp_path " << d.path.string()
      << "/t2;\n include " << (d.path / "server.conf").string() << ";\n}\n";
  fs::path nginx = core::find_program("nginx");
  if (nginx.empty()) nginx = "/usr/sbin/nginx";
  core::PosixProcessRunner r;
  auto res = r.run({{nginx.string(), "-t", "-q", "-p", d.path.string(), "-c",
                     (d.path / "nginx.conf").string(), "-e", (d.path / "e.log").string()},
                    {},
                    {},
                    std::chrono::seconds(20),
                    {}});
  EXPECT_TRUE(res.ok()) << res.err << res.out;
}

// A Postgres part whose commands go to a scripted fake runner.
struct PgWithFake : ::testing::Test {
  TempDir d;
  fake::FakeRunner* f = nullptr;
  core::Context ctx = make();
  Layout layout = Layout::from(ctx.config);
  Postgres pg{ctx, layout};
  std::vector<std::string> argv = expected_psql(pg, layout);
  core::Context make() {
    auto fake = std::make_unique<fake::FakeRunner>();
    f = fake.get();
    return fake_context(std::move(fake), d.path / "state");
  }
};

TEST_F(PgWithFake, EnsureDatabaseSendsThePasswordOnStdinNeverInArgv) {
  f->expect({argv, fake::exited(0), [](const core::Command& c) {
               EXPECT_NE(c.input.find("ALTER ROLE boutique WITH LOGIN PASSWORD 's3cret''x';"),
                         std::string::npos)
                   << c.input;
               EXPECT_NE(c.input.find("CREATE DATABASE %I OWNER %I', 'boutique', 'boutique'"),
                         std::string::npos)
                   << c.input;
               // No statement of this session reaches the server log, not even a failing one.
               const auto alter = c.input.find("ALTER ROLE");
               for (const char* off :
                    {"SET log_statement = 'none';", "SET log_min_error_statement = 'panic';",
                     "SET log_min_duration_statement = -1;"}) {
                 EXPECT_LT(c.input.find(off), alter) << off << " before ALTER ROLE:\n" << c.input;
               }
             }});
  pg.ensure_database("s3cret'x");
  EXPECT_TRUE(f->done());
  for (const auto& a : f->ran.at(0).argv) EXPECT_EQ(a.find("s3cret"), std::string::npos);
}

TEST_F(PgWithFake, FailedPsqlBecomesCommandFailedWithStderr) {
  f->expect({argv, fake::exited(2, "", "psql: error: connection refused"), {}});
  try {
    pg.ensure_database("pw");
    FAIL();
  } catch (const core::CommandFailed& e) {
    EXPECT_NE(std::string(e.what()).find("connection refused"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("exit code 2"), std::string::npos);
  }
}

TEST(Secrets, GeneratedOnceStoredPrivately) {
  TempDir d;
  Layout l;
  l.state = d.path;
  std::string a = state::ensure_secret(l.secrets() / "admin_password", std::nullopt);
  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(state::ensure_secret(l.secrets() / "admin_password", std::string("other")), a);  // kept
  struct stat st {};
  ASSERT_EQ(::stat((l.secrets() / "admin_password").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(::stat(l.secrets().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(state::ensure_secret(l.secrets() / "preset", std::string("given")), "given");
  EXPECT_EQ(state::read_secret(l.secrets() / "preset").value(), "given");
  EXPECT_FALSE(state::read_secret(l.secrets() / "absent"));
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

TEST(StateDir, PrivateModes) {
  TempDir d;
  Layout l;
  l.state = d.path / "state";
  l.create();
  state::ensure_secret(l.secrets() / "db_password", std::nullopt);
  // As root, `postgres` and the nginx workers must traverse the state dir and web/: 0711.
  const mode_t shared = core::is_root() ? 0711 : 0700;
  EXPECT_EQ(mode_of(l.state), shared);
  EXPECT_EQ(mode_of(l.web()), shared);
  for (const auto& dir : {l.secrets(), l.logs(), l.run()}) EXPECT_EQ(mode_of(dir), 0700u) << dir;
  EXPECT_EQ(mode_of(l.secrets() / "db_password"), 0600u);

  // A state dir from an older version (0755 everywhere) is tightened by the next `up`.
  for (const auto& dir : {l.state, l.secrets(), l.logs(), l.run(), l.web()})
    fs::permissions(dir, fs::perms(0755));
  l.create();
  EXPECT_EQ(mode_of(l.state), shared);
  for (const auto& dir : {l.secrets(), l.logs(), l.run()}) EXPECT_EQ(mode_of(dir), 0700u) << dir;
}

TEST(StateDir, DetachedProcessLogIsOwnerOnly) {
  TempDir d;
  const fs::path log = d.path / "api.log";
  core::PosixProcessRunner r;
  const pid_t pid = r.spawn_detached({{"true"}, {}, d.path, log});
  ASSERT_GT(pid, 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(mode_of(log), 0600u);
}

TEST(Migrations, LatestIsTheHighestNumberedFile) {
  TempDir d;
  fs::create_directories(d.path / "api" / "migrations");
  for (const char* n : {"001_schema.sql", "002_x.sql", "010_y.sql", "README.md"})
    std::ofstream(d.path / "api" / "migrations" / n) << "--";
  EXPECT_EQ(probes::latest_migration(d.path), 10);
  EXPECT_EQ(probes::latest_migration(d.path / "nothing"), 0);
  std::ofstream(d.path / "api" / "migrations" / "99999999999999999999_huge.sql") << "--";
  EXPECT_EQ(probes::latest_migration(d.path), 10);
}

TEST(Migrations, ReportReadsTheApiInfoBody) {
  auto r = probes::migration_report(
      R"({"database":{"status":"up","migration_version":3,"migration_expected":4}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->have, 3);
  EXPECT_EQ(r->want, 4);
  r = probes::migration_report(
      R"({"database":{"migration_version":"7","migration_expected":null}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->have, 7);
  EXPECT_EQ(r->want, 0);
}

// Whatever answers on the API's port, `boutique status` reports a failed check, never exit 70.
TEST(Migrations, ReportOfAnUnexpectedBodyNeverThrows) {
  for (const char* body : {"", "not json", "[]", "42", R"({"database":[1,2]})",
                           R"({"database":"up"})", R"({"database":null})"})
    EXPECT_FALSE(probes::migration_report(body)) << body;
  for (const char* body :
       {R"({"database":{"migration_version":-1,"migration_expected":1e300}})",
        R"({"database":{"migration_version":18446744073709551615,"migration_expected":"12abc"}})",
        R"({"database":{"migration_version":[3],"migration_expected":{"v":4}}})",
        R"({"database":{"migration_version":"99999999999999999999","migration_expected":true}})"}) {
    auto r = probes::migration_report(body);
    ASSERT_TRUE(r) << body;
    EXPECT_EQ(r->have, 0) << body;
    EXPECT_EQ(r->want, 0) << body;
  }
}

TEST(Ports, FreeAndTakenPortsAndTheirOwner) {
  // Bind an ephemeral port ourselves, then ask about it.
  core::PosixProcessRunner r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  EXPECT_FALSE(core::port_free("127.0.0.1", port));
  EXPECT_TRUE(core::port_accepts("127.0.0.1", port, std::chrono::milliseconds(500)));
  EXPECT_NE(core::port_owner(port).find("pid " + std::to_string(::getpid())), std::string::npos);
  try {
    probes::require_port_free("127.0.0.1", port, "ports.api", "BOUTIQUE_API_PORT", "API");
    FAIL();
  } catch (const core::ConflictError& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("by pid"), std::string::npos);
  }
  ::close(fd);
  EXPECT_TRUE(core::port_free("127.0.0.1", port));
}
