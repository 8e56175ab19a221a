// `boutique pipeline` as users and Jenkins see it, real processes throughout:
//  - PipelineUsage: stage names, --dry-run, exit 2 for what cannot run (no stack needed);
//  - PipelineE2E.BrokenStageStopsThere: the API binary missing -> Infrastructure Check fails with
//    doctor's exit 3, a failing testcase, the later stages not run, nothing started;
//  - PipelineE2E.LocalGreen: the whole pipeline on the local target (PostgreSQL, boutique-api,
//    nginx on free ports in a temporary workspace), then Validation alone, healthy and broken.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/http.hpp"
#include "core/pids.hpp"
#include "workspace.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace std::chrono_literals;
using json = nlohmann::json;
using fixture::Workspace;

namespace {

std::string read(const fs::path& p) {
  return core::read_text(p).value_or("");
}

// The positions of `needles` in `text`, which must appear in this order.
void expect_in_order(const std::string& text, const std::vector<std::string>& needles) {
  std::size_t at = 0;
  for (const auto& n : needles) {
    auto p = text.find(n, at);
    ASSERT_NE(p, std::string::npos) << "'" << n << "' missing (or out of order) in:\n" << text;
    at = p + n.size();
  }
}

// The <testcase> element of stage `name` in a pipeline JUnit report.
std::string testcase(const std::string& xml, const std::string& name) {
  auto p = xml.find("name=\"" + name + "\"");
  if (p == std::string::npos) return {};
  return xml.substr(p, xml.find("</testcase>", p) - p);
}

}  // namespace

TEST(PipelineUsage, UnknownStageIsExit2ListingTheStages) {
  Workspace ws("boutique-pipeline-usage");
  for (const auto& opt : {"--from", "--only"}) {
    auto r = ws.run({"pipeline", opt, "deploy-to-k9s"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown stage 'deploy-to-k9s': the stages are 'Checkout' (checkout), "
                         "'Build Images' (build-images), 'Infrastructure Check' "
                         "(infrastructure-check), 'Deploy to K8s' (deploy-to-k8s), 'Validation' "
                         "(validation)"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(ws.root / "reports")) << "nothing may run";
  }
  auto both = ws.run({"pipeline", "--from", "deploy", "--only", "validation"});
  EXPECT_EQ(both.exit_code, 108);  // CLI11: ExcludesError
  EXPECT_NE(both.err.find("excludes"), std::string::npos) << both.err;
  auto clash = ws.run({"pipeline", "--junit", "out/status.xml"});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_NE(clash.err.find("--junit must name a file other than status.xml"), std::string::npos);
}

TEST(PipelineUsage, DryRunShowsEachStagesCommandPerTarget) {
  Workspace ws("boutique-pipeline-dry");
  auto local = ws.run({"pipeline", "--target", "local", "--dry-run"});
  ASSERT_EQ(local.exit_code, 0);
  expect_in_order(local.out,
                  {"Pipeline for target local (dry run: nothing was run)", "STAGE",
                   "Checkout              boutique version",
                   "Build Images          SKIPPED: the local target runs the native "
                   "binaries that make builds: no images",
                   "Infrastructure Check  boutique doctor", "Deploy to K8s         boutique up",
                   "Validation            boutique status --junit reports/status.xml"});
  auto k8s = ws.run(
      {"pipeline", "--dry-run", "-o", "json", "--only", "Deploy_To_K8s", "--junit", "out/p.xml"},
      {{"BOUTIQUE_TARGET", "k8s"}});
  ASSERT_EQ(k8s.exit_code, 0);
  auto j = json::parse(k8s.out);
  EXPECT_EQ(j["target"], "k8s");
  ASSERT_EQ(j["stages"].size(), 5u);
  EXPECT_EQ(j["stages"][1]["command"], "boutique build");
  EXPECT_EQ(j["stages"][3]["command"], "boutique deploy");
  EXPECT_EQ(j["stages"][4]["argv"], json({"status", "--junit", "out/status.xml"}));
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(j["stages"][i]["selected"], i == 3) << i;
  EXPECT_FALSE(fs::exists(ws.root / "out")) << "a dry run writes nothing";
}

TEST(PipelineUsage, ValidationAloneWithNothingRunningIsExit1) {
  Workspace ws("boutique-pipeline-down");
  auto r = ws.run({"pipeline", "--only", "validation", "--target", "local"});
  EXPECT_EQ(r.exit_code, 1);
  expect_in_order(r.out,
                  {"Checkout              SKIPPED  -         not selected (--only validation)",
                   "Validation            FAILED"});
  EXPECT_NE(r.err.find("error: Validation: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("api/process"), std::string::npos) << r.err;
  const std::string x = read(ws.root / "reports/pipeline.xml");
  EXPECT_NE(testcase(x, "Validation").find("<failure message=\""), std::string::npos) << x;
  EXPECT_NE(testcase(x, "Checkout").find("<skipped message=\"not selected (--only validation)\""),
            std::string::npos)
      << x;
  // the status checks themselves, next to the pipeline's report
  EXPECT_NE(read(ws.root / "reports/status.xml").find("<failure"), std::string::npos);
}

TEST(PipelineE2E, BrokenStageStopsThere) {
  Workspace ws("boutique-pipeline-broken");
  const auto missing = (ws.base / "no-such-dir" / "boutique-api").string();
  auto r = ws.run({"pipeline", "--target", "local", "--junit", "ci/pipeline.xml"},
                  {{"BOUTIQUE_API_BINARY", missing}});
  EXPECT_EQ(r.exit_code, 3) << "doctor's exit code: a missing prerequisite";
  expect_in_order(
      r.out, {"Stage view (target local):", "STAGE", "Checkout              ok",
              "Build Images          SKIPPED  -         the local target runs the native binaries",
              "Infrastructure Check  FAILED", "boutique-api/built (" + missing + " missing)",
              "Deploy to K8s         not run  -         not run: 'Infrastructure Check' failed",
              "Validation            not run  -         not run: 'Infrastructure Check' failed",
              "Pipeline FAILED at 'Infrastructure Check' (exit 3) after"});
  EXPECT_NE(r.err.find("error: Infrastructure Check: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: make"), std::string::npos) << r.err;

  const std::string x = read(ws.root / "ci/pipeline.xml");
  EXPECT_NE(x.find("tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"3\""), std::string::npos)
      << x;
  EXPECT_NE(testcase(x, "Checkout").find("<system-out>boutique version"), std::string::npos) << x;
  EXPECT_NE(testcase(x, "Infrastructure Check").find("type=\"exit 3\""), std::string::npos) << x;
  EXPECT_NE(testcase(x, "Infrastructure Check").find(missing), std::string::npos) << x;
  for (const char* later : {"Deploy to K8s", "Validation"})
    EXPECT_NE(testcase(x, later).find(
                  "<skipped message=\"not run: &apos;Infrastructure Check&apos; failed\"/>"),
              std::string::npos)
        << later << "\n"
        << x;
  EXPECT_FALSE(fs::exists(ws.root / "ci/status.xml")) << "Validation must not have run";
  EXPECT_FALSE(fs::exists(ws.root / ".boutique/run")) << "nothing may have been started";
}

TEST(PipelineE2E, LocalGreen) {
  Workspace ws("boutique-pipeline-green");
  const std::string password = core::random_secret(20);
  const std::map<std::string, std::string> env = {{"BOUTIQUE_ADMIN_PASSWORD", password}};
  auto r = ws.run({"pipeline", "--target", "local"}, env, 400s);
  if (r.exit_code != 0) ws.dump_logs(ws.root / ".boutique");
  ASSERT_EQ(r.exit_code, 0);
  // each stage's own output, in order, then the stage view
  expect_in_order(
      r.out,
      {"boutique 0.", "COMPONENT", "boutique-api", "Started: db, api, web.", "COMPONENT", "readyz",
       "Stage view (target local):", "Checkout              ok", "Build Images          SKIPPED",
       "Infrastructure Check  ok", "boutique doctor: ", "Deploy to K8s         ok",
       "boutique up: stack up and healthy", "Validation            ok",
       "boutique status --junit "
       "reports/status.xml: ",
       "Pipeline passed in ", "JUnit: reports/pipeline.xml"});
  expect_in_order(
      r.err, {"[1/5] Checkout: boutique version", "[3/5] Infrastructure Check: boutique doctor",
              "[4/5] Deploy to K8s: boutique up",
              "[5/5] Validation: boutique status --junit reports/status.xml"});
  EXPECT_NE(r.err.find("[2/5] Build Images: skipped (the local target runs the native binaries"),
            std::string::npos)
      << r.err;

  const std::string x = read(ws.root / "reports/pipeline.xml");
  EXPECT_NE(x.find("tests=\"5\" failures=\"0\" errors=\"0\" skipped=\"1\""), std::string::npos)
      << x;
  EXPECT_NE(testcase(x, "Build Images").find("<skipped message=\"the local target runs"),
            std::string::npos);
  const std::string status = read(ws.root / "reports/status.xml");
  EXPECT_NE(status.find("<testsuite name=\"boutique.status.local\""), std::string::npos);
  EXPECT_EQ(status.find("<failure"), std::string::npos) << status;

  // the stack it deployed is up: the API and the UI answer, the admin password is the one given
  auto info = core::http_get(ws.url(ws.api_port, "/api/info"));
  ASSERT_EQ(info.status, 200) << info.describe();
  EXPECT_EQ(core::http_get(ws.url(ws.web_port, "/")).status, 200);
  auto login = ws.admin_login(password);
  EXPECT_EQ(login.status, 200) << login.body;

  // Validation alone, -o json: passes; stdout is only the JSON
  auto v = ws.run({"pipeline", "--target", "local", "--from", "VALIDATION", "-o", "json"});
  ASSERT_EQ(v.exit_code, 0);
  auto j = json::parse(v.out);
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_TRUE(j["failed_stage"].is_null());
  EXPECT_EQ(j["stages"][4]["result"], "passed");
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(j["stages"][i]["result"], "skipped") << i;
  EXPECT_EQ(j["stages"][0]["detail"], "not selected (--from VALIDATION)");

  // the API dies: Validation fails with status' exit code 1, naming the API
  auto pid = core::read_pid_file(ws.root / ".boutique/run/api.pid");
  ASSERT_TRUE(pid.has_value());
  ::kill(*pid, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (core::process_alive(*pid) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  auto bad = ws.run({"pipeline", "--target", "local", "--only", "validation", "-o", "json"});
  EXPECT_EQ(bad.exit_code, 1);
  auto bj = json::parse(bad.out);
  EXPECT_FALSE(bj["ok"].get<bool>());
  EXPECT_EQ(bj["exit_code"], 1);
  EXPECT_EQ(bj["failed_stage"], "Validation");
  EXPECT_NE(bj["stages"][4]["detail"].get<std::string>().find("api/process"), std::string::npos)
      << bj.dump(2);
  EXPECT_NE(testcase(read(ws.root / "reports/pipeline.xml"), "Validation").find("<failure"),
            std::string::npos);
}
