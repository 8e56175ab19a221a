// The `boutique` binary as users and Jenkins see it: exit codes, messages, formats. Real processes,
// no running stack needed (start-up failures use stand-in API programs that never get healthy).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/pids.hpp"
#include "core/ports.hpp"
#include "core/process.hpp"
#include "hermetic_env.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace std::chrono_literals;

namespace {

class Binary : public ::testing::Test {
 protected:
  void SetUp() override {
    fake::clear_boutique_env();
    char tmpl[] = "/tmp/boutique-bin-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::permissions(dir_, fs::perms(0755));
  }
  void TearDown() override {
    run({"down", "--volumes", "--yes"});
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  core::Result run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), BOUTIQUE_CLI);
    env.emplace("BOUTIQUE_STATE_DIR", (dir_ / "state").string());
    env.emplace("NO_COLOR", "1");
    auto r = runner_.run({args, env, dir_, 120s, {}});
    std::cerr << "$ " << core::display(args) << " -> " << r.describe() << "\n" << r.out << r.err;
    return r;
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  core::PosixProcessRunner runner_;
  fs::path dir_;
};

// Polls `file` until it contains `text` (false after `timeout`).
bool wait_for_text(const fs::path& file, const std::string& text, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (core::read_text(file).value_or("").find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

int free_port(int from) {
  for (int p = from; p < from + 500; ++p)
    if (core::port_free("127.0.0.1", p) && core::port_free("0.0.0.0", p)) return p;
  return 0;
}

}  // namespace

TEST_F(Binary, ConfigShowsSourcesAndRedactsSecrets) {
  write("boutique.yaml", "ports:\n  api: 5100\n  web: 5200\n");
  auto r = run({"config", "-o", "json"},
               {{"BOUTIQUE_WEB_PORT", "5300"}, {"BOUTIQUE_ADMIN_PASSWORD", "tres-secret"}});
  ASSERT_EQ(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["settings"]["ports.api"]["value"], "5100");
  EXPECT_EQ(j["settings"]["ports.api"]["source"], "file");
  EXPECT_EQ(j["settings"]["ports.web"]["value"], "5300");
  EXPECT_EQ(j["settings"]["ports.web"]["source"], "env");
  EXPECT_EQ(j["settings"]["ports.db"]["source"], "default");
  EXPECT_EQ(r.out.find("tres-secret"), std::string::npos);
  auto shown = run({"config", "--show-secrets"}, {{"BOUTIQUE_ADMIN_PASSWORD", "tres-secret"}});
  EXPECT_NE(shown.out.find("tres-secret"), std::string::npos);
}

TEST_F(Binary, ConfigNotesOldSettingNames) {
  write("boutique.yaml", "local:\n  stop_timeout: 3\n  bind: 127.0.0.1\n");
  auto r = run({"config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("boutique.yaml:2: local.stop_timeout is now stop_timeout"),
            std::string::npos)
      << r.out;
  auto j = nlohmann::json::parse(run({"config", "-o", "json"}).out);
  EXPECT_EQ(j["settings"]["stop_timeout"]["value"], "3");
  ASSERT_EQ(j["deprecated"].size(), 1u);
  EXPECT_EQ(j["deprecated"][0]["name"], "local.stop_timeout");
  EXPECT_EQ(j["deprecated"][0]["use"], "stop_timeout");
}

TEST_F(Binary, BadConfigExitsTwoNamingTheLine) {
  write("boutique.yaml", "ports:\n  api: 5000\n  wbe: 1\n");
  auto r = run({"status"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("boutique.yaml:3: unknown key 'ports.wbe'"), std::string::npos);
  write("boutique.yaml", "ports:\n  api: beaucoup\n");
  r = run({"up"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("boutique.yaml:2:8: ports.api must be an integer"), std::string::npos);
  EXPECT_EQ(run({"version"}).exit_code, 0);  // needs no configuration
}

TEST_F(Binary, KubernetesWithoutAClusterSaysHowToReachIt) {
  const std::map<std::string, std::string> env = {
      {"BOUTIQUE_K8S_CONTEXT", "boutique-test-no-such-context"}};
  auto r = run({"--target", "k8s", "deploy"}, env);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(
      r.err.find("cannot reach the cluster (context boutique-test-no-such-context): is it "
                 "up? `kubectl --context boutique-test-no-such-context cluster-info` says why"),
      std::string::npos)
      << r.err;
  r = run({"--target", "k8s", "urls"}, env);  // not a raw kubectl error (exit 4)
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot reach the cluster"), std::string::npos) << r.err;
  r = run({"--target", "k8s", "status", "-o", "json"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("cannot reach the cluster"), std::string::npos) << r.out;
}

// With -o json every failure is also a JSON object on stdout (the human line stays on stderr).
TEST_F(Binary, FailuresUnderJsonOutputAreJsonOnStdout) {
  write("boutique.yaml", "ports:\n  api: beaucoup\n");
  auto r = run({"status", "-o", "json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"]["exit_code"], 2);
  EXPECT_EQ(j["error"]["class"], "usage");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("ports.api must be an integer"),
            std::string::npos);
  write("boutique.yaml", "");
  r = run({"up", "--timeout", "soon", "-o", "json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(nlohmann::json::parse(r.out)["error"]["message"].get<std::string>().find(
                "--timeout must be a duration"),
            std::string::npos)
      << r.out;
  r = run({"logs", "nginx", "-o", "json"});  // a CLI11 parse error keeps its code
  EXPECT_EQ(r.exit_code, 105);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["class"], "usage");
  // The parse error comes before CLI11 reaches -o json: still JSON.
  r = run({"status", "--target", "nope", "-o", "json"});
  EXPECT_EQ(r.exit_code, 105);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["exit_code"], 105) << r.out;
  r = run({"--output=json", "status", "--bogus"});
  EXPECT_EQ(r.exit_code, 109);
  EXPECT_EQ(nlohmann::json::parse(r.out)["ok"], false) << r.out;
  EXPECT_TRUE(run({"status", "-o", "table"}).out.find("\"error\"") == std::string::npos);
}

// Each subcommand's --help shows the global options too (CLI11 2.1 would list only its own).
TEST_F(Binary, SubcommandHelpListsTheGlobalOptions) {
  for (const char* cmd : {"logs", "status", "up", "pipeline"}) {
    auto r = run({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    for (const char* opt : {"--target", "-o,--output", "--state-dir", "--config", "-q,--quiet"})
      EXPECT_NE(r.out.find(opt), std::string::npos) << cmd << " --help lacks " << opt << "\n"
                                                    << r.out;
  }
}

TEST_F(Binary, ParseErrorsKeepCli11Codes) {
  EXPECT_EQ(run({"up", "--no-such-flag"}).exit_code, 109);
  EXPECT_EQ(run({"logs", "nginx"}).exit_code, 105);
}

TEST_F(Binary, StatusOfNothingExitsOneWithJsonAndJunit) {
  auto r = run({"status", "-o", "json", "--junit", (dir_ / "s.xml").string()},
               {{"BOUTIQUE_API_PORT", std::to_string(free_port(41000))},
                {"BOUTIQUE_WEB_PORT", std::to_string(free_port(42000))},
                {"BOUTIQUE_DB_PORT", std::to_string(free_port(43000))}});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["checks"].size(), 12u);
  auto xml = core::read_text(dir_ / "s.xml").value_or("");
  EXPECT_NE(xml.find("failures=\"12\""), std::string::npos) << xml;
}

TEST_F(Binary, DownVolumesWithoutTerminalNeedsYes) {
  fs::create_directories(dir_ / "state");
  auto r = run({"down", "--volumes"});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_NE(r.err.find("--yes"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "state"));
  // A directory boutique did not create is never deleted.
  r = run({"down", "--volumes", "--yes"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(fs::exists(dir_ / "state"));
}

// issue 17: `dev`'s refusals come before anything starts.
TEST_F(Binary, DevRefusesWhatItCannotDoBeforeStartingAnything) {
  auto r = run({"dev", "-o", "json"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("-o json is not supported"), std::string::npos) << r.out;
  r = run({"dev", "--target", "compose", "--no-ui"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-ui is for the local target"), std::string::npos) << r.err;
  EXPECT_EQ(run({"dev", "--timeout", "soon"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "state" / "pg")) << "nothing started";
}

// issue 17: backup and restore before anything runs, and where the capability is missing.
TEST_F(Binary, BackupAndRestoreNeedARunningStack) {
  auto r = run({"backup"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not running"), std::string::npos);
  EXPECT_NE(r.err.find("boutique up"), std::string::npos);
  write("x.dump", "not a dump");
  EXPECT_EQ(run({"restore", "x.dump", "--yes"}).exit_code, 3);
  EXPECT_EQ(run({"restore", "missing.dump", "--yes"}).exit_code, 2);
  EXPECT_EQ(run({"restore"}).exit_code, 106);  // CLI11: FILE is required
  r = run({"backup", "--target", "compose", "-o", "json"});
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("the compose stack's database is not running"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("boutique up --target compose"), std::string::npos) << r.out;
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".boutique-backup-"), std::string::npos);
}

TEST_F(Binary, DoctorReportsAndExitsThreeWhenTheApiIsMissing) {
  auto r = run({"doctor", "-o", "json"}, {{"BOUTIQUE_API_BINARY", (dir_ / "nope").string()}});
  EXPECT_EQ(r.exit_code, 3);
  auto j = nlohmann::json::parse(r.out);
  bool api_row = false;
  for (const auto& c : j["checks"])
    if (c["component"] == "boutique-api") {
      api_row = true;
      EXPECT_FALSE(c["ok"].get<bool>());
      EXPECT_NE(c["hint"].get<std::string>().find("make"), std::string::npos);
    }
  EXPECT_TRUE(api_row);
}

// Stand-in API programs exercise up's failure paths: the error class, the log tail, the rollback.
TEST_F(Binary, ApiDyingAtStartupFailsWithItsLogAndRollsBack) {
  if (core::find_program("pg_ctl").empty() && !fs::exists("/usr/lib/postgresql"))
    GTEST_SKIP() << "PostgreSQL is not installed";
  write("dying-api",
        "#!/bin/sh\necho \"fatal: cannot open the pool (DATABASE_URL=${DATABASE_URL%%:*})\"\nexit "
        "3\n");
  fs::permissions(dir_ / "dying-api", fs::perms(0755));
  write("slow-api", "#!/bin/sh\necho starting\nexec sleep 60\n");
  fs::permissions(dir_ / "slow-api", fs::perms(0755));
  std::map<std::string, std::string> env = {{"BOUTIQUE_API_PORT", std::to_string(free_port(44000))},
                                            {"BOUTIQUE_WEB_PORT", std::to_string(free_port(45000))},
                                            {"BOUTIQUE_DB_PORT", std::to_string(free_port(46000))},
                                            {"BOUTIQUE_API_BINARY", (dir_ / "dying-api").string()}};
  auto r = run({"up", "api"}, env);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("stopped during start-up"), std::string::npos);
  EXPECT_NE(r.err.find("fatal: cannot open the pool (DATABASE_URL=postgresql)"), std::string::npos);
  EXPECT_NE(r.err.find("rolling back: stopping db"), std::string::npos);
  auto db_pid = core::read_pid_file(dir_ / "state" / "pg" / "data" / "postmaster.pid");
  EXPECT_FALSE(db_pid && core::process_alive(*db_pid));

  env["BOUTIQUE_API_BINARY"] = (dir_ / "slow-api").string();
  r = run({"up", "api", "--timeout", "2"}, env);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("not ready before the deadline"), std::string::npos);
  auto api_pid = core::read_pid_file(dir_ / "state" / "run" / "api.pid");
  ASSERT_TRUE(api_pid);
  EXPECT_FALSE(core::process_alive(*api_pid));  // rolled back
}

TEST_F(Binary, CtrlCDuringUpRollsBackAndExitsEight) {
  if (core::find_program("pg_ctl").empty() && !fs::exists("/usr/lib/postgresql"))
    GTEST_SKIP() << "PostgreSQL is not installed";
  write("slow-api", "#!/bin/sh\necho starting\nexec sleep 60\n");
  fs::permissions(dir_ / "slow-api", fs::perms(0755));
  const fs::path log = dir_ / "up.log";
  pid_t up = runner_.spawn_detached({{BOUTIQUE_CLI, "up", "api"},
                                     {{"BOUTIQUE_STATE_DIR", (dir_ / "state").string()},
                                      {"BOUTIQUE_API_PORT", std::to_string(free_port(44500))},
                                      {"BOUTIQUE_DB_PORT", std::to_string(free_port(46500))},
                                      {"BOUTIQUE_API_BINARY", (dir_ / "slow-api").string()}},
                                     dir_,
                                     log});
  // Interrupt once it is waiting for the (never ready) API.
  ASSERT_TRUE(wait_for_text(log, "Waiting for the API", 60s)) << core::read_text(log).value_or("");
  ::kill(up, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(up, &status, 0), up);
  std::string out = core::read_text(log).value_or("");
  EXPECT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 8) << out;
  EXPECT_NE(out.find("error: interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("rolling back: stopping db"), std::string::npos) << out;
  auto api_pid = core::read_pid_file(dir_ / "state" / "run" / "api.pid");
  ASSERT_TRUE(api_pid);
  EXPECT_FALSE(core::process_alive(*api_pid));
  auto db_pid = core::read_pid_file(dir_ / "state" / "pg" / "data" / "postmaster.pid");
  EXPECT_FALSE(db_pid && core::process_alive(*db_pid));
}

// `logs -f --target k8s`: one kubectl follows every component (prefixed lines), and Ctrl-C stops
// it too — kubectl runs in its own process group, which the terminal's SIGINT does not reach.
TEST_F(Binary, LogsFollowOnK8sShowsEveryComponentAndStopsKubectlOnCtrlC) {
  fs::create_directories(dir_ / "bin");
  write("bin/kubectl",
        "#!/bin/sh\n"
        "echo \"$@\" > \"$(dirname \"$0\")/../kubectl.args\"\n"
        "echo $$ > \"$(dirname \"$0\")/../kubectl.pid\"\n"
        "echo '[pod/postgres-0/postgres] ready to accept connections'\n"
        "echo '[pod/backend-1/api] listening on 0.0.0.0:5000'\n"
        "echo '[pod/frontend-2/nginx] start worker processes'\n"
        "exec sleep 60\n");
  fs::permissions(dir_ / "bin" / "kubectl", fs::perms(0755));
  const fs::path log = dir_ / "logs.log";
  const char* path = std::getenv("PATH");
  pid_t logs = runner_.spawn_detached(
      {{BOUTIQUE_CLI, "logs", "-f", "--target", "k8s", "--since", "10m"},
       {{"BOUTIQUE_STATE_DIR", (dir_ / "state").string()},
        {"PATH", (dir_ / "bin").string() + ":" + (path ? path : "/usr/bin:/bin")}},
       dir_,
       log});
  ASSERT_TRUE(wait_for_text(log, "frontend-2", 30s)) << core::read_text(log).value_or("");
  const std::string args = core::read_text(dir_ / "kubectl.args").value_or("");
  EXPECT_NE(args.find("-l app.kubernetes.io/part-of=boutique"), std::string::npos) << args;
  EXPECT_NE(args.find("--prefix"), std::string::npos) << args;
  EXPECT_NE(args.find("--since=10m"), std::string::npos) << args;
  EXPECT_NE(args.find("-f"), std::string::npos) << args;
  const auto kubectl = core::read_pid_file(dir_ / "kubectl.pid");
  ASSERT_TRUE(kubectl);
  ::kill(logs, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(logs, &status, 0), logs);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "Ctrl-C is how -f ends: " << status << "\n"
      << core::read_text(log).value_or("");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (core::process_alive(*kubectl) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(core::process_alive(*kubectl)) << "kubectl logs -f left running";
  if (core::process_alive(*kubectl)) ::kill(*kubectl, SIGKILL);
}

TEST_F(Binary, LogsSinceAndPreviousAreForK8sOnly) {
  auto r = run({"logs", "--since", "5m"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--since and --previous need --target k8s"), std::string::npos) << r.err;
  r = run({"logs", "--target", "k8s", "--previous", "-f"});
  EXPECT_EQ(r.exit_code, 2);
  r = run({"logs", "--target", "k8s", "--since", "yesterday"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--since must be a duration"), std::string::npos) << r.err;
}

// --context and --namespace stand above k8s.context / k8s.namespace (file, environment).
TEST_F(Binary, ContextAndNamespaceFlagsOverrideTheSettings) {
  write("boutique.yaml", "k8s:\n  context: from-file\n  namespace: from-file\n");
  auto r = run({"config", "--context", "staging", "--namespace", "shop"},
               {{"BOUTIQUE_K8S_NAMESPACE", "from-env"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("k8s.context        staging"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("k8s.namespace      shop"), std::string::npos) << r.out;
  r = run({"render", "--namespace", "Not_Valid"});
  EXPECT_EQ(r.exit_code, 2) << "an invalid namespace is a configuration error";
}
