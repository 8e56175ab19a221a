// The local target's backup and restore commands, at the ProcessRunner seam: what runs, with which
// argv and environment (the password in PGPASSWORD, never an argument), the restore's one
// transaction, and the errors reported in one line.
#include "targets/local/database.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/errors.hpp"
#include "fake_runner.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace boutique::targets::local;

namespace {

struct LocalDatabaseTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("boutique-db-test-" + std::to_string(::getpid()));
  fake::FakeRunner* f = nullptr;
  core::Context ctx = make();
  Layout layout = Layout::from(ctx.config);
  Postgres pg{ctx, layout};
  Api api{ctx, layout};
  LocalDatabase db{ctx, layout, pg, api};
  const std::string secret = "s3cret-Pw";

  core::Context make() {
    auto fake = std::make_unique<fake::FakeRunner>();
    f = fake.get();
    core::LoadInputs in;
    in.cwd = dir;
    in.discover = false;
    in.getenv = [](const std::string&) { return std::nullopt; };
    in.flags = {{"state_dir", (dir / "state").string()}};
    return {core::Config::load(in), std::move(fake),
            std::make_unique<core::Progress>(core::Progress::Mode::quiet, false)};
  }
  void SetUp() override { state::ensure_secret(layout.secrets() / "db_password", secret); }
  void TearDown() override { fs::remove_all(dir); }

  std::string bin(const char* program) { return (pg.bindir() / program).string(); }
  // As the application's role, the password only in the environment, no inherited PG* variable.
  void expect_client_env(const core::Command& c) {
    EXPECT_EQ(c.env.at("PGPASSWORD"), secret);
    EXPECT_NE(std::find(c.unset_env.begin(), c.unset_env.end(), "PG*"), c.unset_env.end());
    for (const auto& a : c.argv) EXPECT_EQ(a.find(secret), std::string::npos) << a;
  }
};

}  // namespace

TEST_F(LocalDatabaseTest, DumpIsPgDumpCustomFormatAsTheRoleOverTcp) {
  f->expect({{bin("pg_dump"), "-Fc", "-w", "-h", "127.0.0.1", "-p", "5433", "-U", "boutique", "-d",
              "boutique", "-f", "/tmp/x.partial"},
             fake::exited(0),
             [&](const core::Command& c) { expect_client_env(c); }});
  db.dump_to("/tmp/x.partial");
  EXPECT_TRUE(f->done());
}

TEST_F(LocalDatabaseTest, ReadArchiveAsksForTheTablesAndReportsABadFileInOneLine) {
  f->expect(
      {{bin("pg_restore"), "--data-only", "-f", "-", "-t", "produits", "-t", "schema_migrations",
        "/tmp/x.dump"},
       fake::exited(1, "", "pg_restore: error: input file does not appear to be a valid archive\n"),
       [&](const core::Command& c) { expect_client_env(c); }});
  const auto r = db.read_archive("/tmp/x.dump", {"produits", "schema_migrations"});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "input file does not appear to be a valid archive");
}

TEST_F(LocalDatabaseTest, RestoreIsOneTransactionThatDropsWhatTheRoleOwnsAndNotifies) {
  const std::string script =
      "CREATE TABLE public.produits (id bigint);\nCOPY public.produits (id) "
      "FROM stdin;\n1\n\\.\n";
  f->expect({bin("pg_restore"), "--no-owner", "--no-privileges", "-f", "-", "/tmp/x.dump"},
            fake::exited(0, script));
  f->expect({{bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-h",
              "127.0.0.1", "-p", "5433", "-U", "boutique", "-d", "boutique", "-w", "-f", "-"},
             fake::exited(0),
             [&](const core::Command& c) {
               expect_client_env(c);
               const auto drop = c.input.find("DROP OWNED BY CURRENT_USER;");
               const auto body = c.input.find(script);
               const auto notify = c.input.find("NOTIFY produits_changed;");
               ASSERT_NE(drop, std::string::npos);
               ASSERT_NE(body, std::string::npos);
               ASSERT_NE(notify, std::string::npos);
               EXPECT_LT(c.input.find("SET lock_timeout"), drop);
               EXPECT_LT(drop, body);
               EXPECT_LT(body, notify);
             }});
  db.replace_with("/tmp/x.dump");
  EXPECT_TRUE(f->done());
}

TEST_F(LocalDatabaseTest, AFailedRestoreSaysNothingChangedWithoutQuotingTheRow) {
  f->expect({bin("pg_restore"), "--no-owner", "--no-privileges", "-f", "-", "/tmp/x.dump"},
            fake::exited(0, "COPY public.utilisateurs FROM stdin;\n"));
  f->expect(
      {bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-h", "127.0.0.1",
       "-p", "5433", "-U", "boutique", "-d", "boutique", "-w", "-f", "-"},
      fake::exited(3, "",
                   "psql:<stdin>:40: ERROR:  duplicate key value violates unique constraint\n"
                   "CONTEXT:  COPY utilisateurs, line 2: \"2\tx@y\t$argon2id$v=19$secret\"\n"));
  try {
    db.replace_with("/tmp/x.dump");
    FAIL() << "no error";
  } catch (const core::CommandFailed& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("nothing changed"), std::string::npos) << what;
    EXPECT_NE(what.find("duplicate key value violates unique constraint"), std::string::npos);
    EXPECT_EQ(what.find("argon2id"), std::string::npos) << what;
  }
}

TEST_F(LocalDatabaseTest, MigrateRunsTheApiBinaryWithItsUrlInTheEnvironmentAndNoSeeding) {
  f->expect({{api.binary().string(), "migrate"}, fake::exited(0), [&](const core::Command& c) {
               EXPECT_NE(c.env.at("DATABASE_URL").find("127.0.0.1:5433/boutique"),
                         std::string::npos);
               EXPECT_EQ(c.env.at("BOUTIQUE_SEED_DEMO"), "0");
               EXPECT_NE(std::find(c.unset_env.begin(), c.unset_env.end(), "BOUTIQUE_*"),
                         c.unset_env.end());
             }});
  db.migrate();
  EXPECT_TRUE(f->done());
}

TEST_F(LocalDatabaseTest, AttachWithNothingRunningSaysBoutiqueUp) {
  try {
    db.attach();
    FAIL() << "attached";
  } catch (const core::MissingPrerequisite& e) {
    EXPECT_EQ(e.hint(), "boutique up");
  }
}
