// The Jenkinsfile, without Jenkins: tests/jenkins/jenkinsfile.groovy evaluates it with real Groovy
// (a stand-in for the declarative DSL, tests/jenkins/Declarative.groovy).
//  - JenkinsfileCheck: its stages, their order and their `sh` steps, per TARGET, are the ones
//    `boutique pipeline --dry-run` lists; and the check catches each kind of drift.
//  - JenkinsSteps: its steps run for real with TARGET=local in a temporary workspace (make
//  binaries,
//    boutique version, doctor, up, status --junit; post: junit, archiveArtifacts), and a failing
//    step stops the build where Jenkins would.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/http.hpp"
#include "workspace.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace std::chrono_literals;
using json = nlohmann::json;
using fixture::Workspace;

namespace {

const fs::path kSource = BOUTIQUE_SOURCE_DIR;

// groovy -cp tests/jenkins tests/jenkins/jenkinsfile.groovy ARGS, from `ws`.
core::Result groovy(Workspace& ws, std::vector<std::string> args,
                    std::map<std::string, std::string> env = {},
                    std::chrono::seconds timeout = 120s) {
  const fs::path g = core::find_program("groovy");
  if (g.empty()) {
    ADD_FAILURE() << "groovy not found: scripts/install-deps.sh jenkins";
    return {};
  }
  std::vector<std::string> argv = {g.string(), "-cp", (kSource / "tests/jenkins").string(),
                                   (kSource / "tests/jenkins/jenkinsfile.groovy").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return ws.exec(argv, std::move(env), timeout);
}

std::string jenkinsfile() {
  return core::read_text(kSource / "Jenkinsfile").value();
}

// The Jenkinsfile with `from` replaced by `to` (which must be there).
std::string mutate(std::string text, const std::string& from, const std::string& to) {
  auto p = text.find(from);
  if (p == std::string::npos) throw std::runtime_error("not in the Jenkinsfile: " + from);
  return text.replace(p, from.size(), to);
}

// `check` of several Jenkinsfiles (texts) in one Groovy run; they are written to <base>/jf<i>/.
core::Result check(Workspace& ws, const std::vector<std::string>& texts) {
  std::vector<std::string> args = {"check", "--boutique", BOUTIQUE_CLI};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto dir = ws.base / ("jf" + std::to_string(i));
    fs::create_directories(dir);
    std::ofstream(dir / "Jenkinsfile") << texts[i];
    args.insert(args.end(), {"--jenkinsfile", (dir / "Jenkinsfile").string()});
  }
  return groovy(ws, args);
}

// A Jenkins workspace: the checkout's Makefile, scripts, Jenkinsfile and boutique.yaml, and
// build/ = this build tree (so `make binaries` finds them built). No frontend sources: `up` serves
// its generated page (a real checkout's `up` would also run npm ci and the Vite build).
void make_jenkins_workspace(Workspace& ws) {
  ws.link("Makefile");
  ws.link("scripts");
  fs::copy_file(kSource / "Jenkinsfile", ws.root / "Jenkinsfile");
  fs::copy_file(kSource / "boutique.yaml", ws.root / "boutique.yaml");
  fs::create_directory_symlink(BOUTIQUE_BUILD_DIR, ws.root / "build");
}

json stage_named(const json& report, const std::string& name) {
  for (const auto& s : report["stages"])
    if (s["name"] == name) return s;
  return json();
}

}  // namespace

TEST(JenkinsfileCheck, MatchesThePipeline) {
  Workspace ws("boutique-jenkinsfile");
  auto r = check(ws, {jenkinsfile()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* line : {"TARGET=k8s", "TARGET=compose", "TARGET=local",
                           "Deploy to K8s          Jenkinsfile: boutique deploy",
                           "Deploy to K8s          Jenkinsfile: boutique up",
                           "Build Images           Jenkinsfile: skipped (when)",
                           "OK: 5 stages, same names, order and commands for TARGET in [k8s, "
                           "compose, local]",
                           "/jf0/Jenkinsfile: ok"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
}

// Each kind of drift between the Jenkinsfile and the CLI fails the check, naming it. One Groovy
// run checks every variant (a JVM start costs seconds).
TEST(JenkinsfileCheck, CatchesDrift) {
  Workspace ws("boutique-jenkinsfile-drift");
  const std::string jf = jenkinsfile();
  struct Case {
    std::string from, to, expected;
    const char* verdict = "differs";
  };
  const std::vector<Case> cases = {
      {"stage('Validation')", "stage('Validate')", "stages differ"},
      {"stage('Build Images') {\n      // The local",
       "stage('Infrastructure Check') {\n      // The local", "duplicate stage name",
       "not evaluable"},
      {"when { expression { params.TARGET != 'local' } }", "",
       "TARGET=local, Build Images: the Jenkinsfile runs [boutique build], boutique pipeline "
       "runs [skipped ("},
      {"'deploy' : 'up'", "'up' : 'deploy'",
       "TARGET=k8s, Deploy to K8s: the Jenkinsfile runs [boutique up], boutique pipeline runs "
       "[boutique deploy]"},
      {"sh 'boutique doctor'", "script { sh 'boutique doctor' }",
       "Infrastructure Check: a 'script' step (no logic in Groovy"},
      {"sh 'boutique doctor'", "sh 'boutique doctor'\n        sh 'kubectl get nodes'",
       "Infrastructure Check: sh 'kubectl get nodes' is not a boutique command"},
      {"    disableConcurrentBuilds()\n", "", "options { } lacks disableConcurrentBuilds()"},
      {"junit testResults: 'reports/*.xml'", "junit testResults: 'test-results/*.xml'",
       "post: junit 'test-results/*.xml' does not pick up reports/status.xml"},
      {"BOUTIQUE_TARGET = \"${params.TARGET}\"", "BOUTIQUE_TARGET = 'k8s'",
       "TARGET=local: the steps do not get the target"},
      {"stages {", "stages {{", "not valid Groovy", "not evaluable"},  // Jenkinsfile, line N
  };
  std::vector<std::string> texts;
  for (const auto& c : cases) texts.push_back(mutate(jf, c.from, c.to));
  auto r = check(ws, texts);
  EXPECT_EQ(r.exit_code, 2) << "the worst verdict: a file that is not Groovy";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].expected);
    const std::string file = (ws.base / ("jf" + std::to_string(i)) / "Jenkinsfile").string();
    EXPECT_NE(r.out.find("== " + file + ": " + cases[i].verdict + "\n"), std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find(file + ": "), std::string::npos) << r.err;
    const auto at = r.err.find(file + ": ");
    const auto next = r.err.find("/jf" + std::to_string(i + 1) + "/Jenkinsfile: ", at);
    EXPECT_NE(r.err.substr(at, next == std::string::npos ? std::string::npos : next - at)
                  .find(cases[i].expected),
              std::string::npos)
        << r.err;
  }
}

TEST(JenkinsSteps, RunForRealOnTheLocalTarget) {
  Workspace ws("boutique-jenkins-run");
  make_jenkins_workspace(ws);
  const std::string password = core::random_secret(20);
  auto r = groovy(
      ws,
      {"run", "--jenkinsfile", (ws.root / "Jenkinsfile").string(), "--workspace", ws.root.string(),
       "--param", "TARGET=local", "--credential", "boutique-admin-password=ADMIN_PASSWORD",
       "--report", (ws.base / "report.json").string()},
      {{"ADMIN_PASSWORD", password}}, 900s);
  if (r.exit_code != 0) ws.dump_logs(ws.root / ".boutique");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Finished: SUCCESS"), std::string::npos);
  EXPECT_NE(r.out.find("Stage \"Build Images\" skipped due to when conditional"),
            std::string::npos);
  // The credential is masked in the console, as Jenkins does, where `up` prints the login.
  EXPECT_EQ(r.out.find(password), std::string::npos) << "the admin password leaked";
  EXPECT_NE(r.out.find("Sign in as admin: admin@boutique.local / ****"), std::string::npos);

  auto rep = json::parse(core::read_text(ws.base / "report.json").value());
  EXPECT_EQ(rep["result"], "SUCCESS");
  EXPECT_EQ(stage_named(rep, "Checkout")["result"], "SUCCESS");
  EXPECT_EQ(stage_named(rep, "Build Images")["result"], "SKIPPED (when)");
  for (const char* s : {"Infrastructure Check", "Deploy to K8s", "Validation"})
    EXPECT_EQ(stage_named(rep, s)["result"], "SUCCESS") << s;
  const auto checkout = stage_named(rep, "Checkout")["steps"];
  ASSERT_EQ(checkout.size(), 3u) << checkout.dump();
  EXPECT_EQ(checkout[1]["script"], "make binaries");
  EXPECT_EQ(checkout[1]["exit"], 0);
  EXPECT_EQ(stage_named(rep, "Deploy to K8s")["steps"][0]["script"], "boutique up");
  EXPECT_EQ(stage_named(rep, "Validation")["steps"][0]["exit"], 0);
  // post: the status report is published (parsed: every check passed) and archived with the logs
  EXPECT_EQ(rep["junit"]["files"], json({"reports/status.xml"}));
  EXPECT_GE(rep["junit"]["tests"].get<int>(), 10);
  EXPECT_EQ(rep["junit"]["failures"], 0);
  const auto archived = rep["archived"].get<std::vector<std::string>>();
  for (const char* f : {"reports/status.xml", ".boutique/logs/api.log"})
    EXPECT_NE(std::find(archived.begin(), archived.end(), f), archived.end()) << f;

  // What the build deployed answers, with the credential as the admin password.
  ASSERT_EQ(core::http_get(ws.url(ws.api_port, "/readyz")).status, 200);
  EXPECT_EQ(core::http_get(ws.url(ws.web_port, "/api/produits")).status, 200);
  auto login = ws.admin_login(password);
  EXPECT_EQ(login.status, 200) << login.body;
}

TEST(JenkinsSteps, AFailingStepStopsTheBuildThere) {
  Workspace ws("boutique-jenkins-fail");
  make_jenkins_workspace(ws);
  auto r = groovy(
      ws,
      {"run", "--jenkinsfile", (ws.root / "Jenkinsfile").string(), "--workspace", ws.root.string(),
       "--param", "TARGET=local", "--credential", "boutique-admin-password=ADMIN_PASSWORD",
       "--report", (ws.base / "report.json").string()},
      {{"BOUTIQUE_API_BINARY", (ws.base / "missing/boutique-api").string()},
       {"ADMIN_PASSWORD", "x"}},
      900s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("ERROR: script returned exit code 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Finished: FAILURE"), std::string::npos);
  auto rep = json::parse(core::read_text(ws.base / "report.json").value());
  EXPECT_EQ(rep["result"], "FAILURE");
  EXPECT_EQ(stage_named(rep, "Checkout")["result"], "SUCCESS");
  EXPECT_EQ(stage_named(rep, "Infrastructure Check")["result"], "FAILURE");
  EXPECT_EQ(stage_named(rep, "Infrastructure Check")["steps"][0]["exit"], 3);
  for (const char* s : {"Deploy to K8s", "Validation"})
    EXPECT_EQ(stage_named(rep, s)["result"], "SKIPPED (earlier failure)") << s;
  // post { always } still ran: no report to publish (allowed), nothing started
  EXPECT_TRUE(rep["junit"]["files"].empty());
  EXPECT_FALSE(fs::exists(ws.root / ".boutique/run"));
}
