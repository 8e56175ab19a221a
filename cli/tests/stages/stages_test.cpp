// The pipeline's stage list (stages/stages.hpp): names and order, what each stage runs per target,
// --from/--only selection and stage names, the stage view, and the JUnit report (checked by a real
// XML parser, python3's, for escaping).
#include <gtest/gtest.h>

#include <filesystem>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/process.hpp"
#include "stages/stages.hpp"

using namespace boutique;
using namespace boutique::core;
using namespace boutique::stages;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> names() {
  std::vector<std::string> n;
  for (const auto& s : stages::stages()) n.emplace_back(s.name);
  return n;
}

std::string sel(const std::string& from, const std::string& only) {
  std::string out;
  for (bool b : select_stages(from, only)) out += b ? '1' : '0';
  return out;
}

int usage_code(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = std::string(e.what()) + " | " + e.hint();
    return static_cast<int>(e.code());
  }
  return 0;
}

StageResult result(StageId id, StageResult::Outcome o, std::string detail, double s = 0,
                   int code = 0, std::string hint = {}) {
  StageResult r;
  r.stage = &stage(id);
  r.outcome = o;
  r.command = "boutique x";
  r.detail = std::move(detail);
  r.seconds = s;
  r.exit_code = code;
  r.hint = std::move(hint);
  return r;
}

}  // namespace

TEST(Stages, AreTheSeedsJenkinsStagesInOrder) {
  EXPECT_EQ(names(), (std::vector<std::string>{"Checkout", "Build Images", "Infrastructure Check",
                                               "Deploy to K8s", "Validation"}));
  std::vector<std::string> slugs;
  for (const auto& s : stages::stages()) slugs.emplace_back(s.slug);
  EXPECT_EQ(slugs, (std::vector<std::string>{"checkout", "build-images", "infrastructure-check",
                                             "deploy-to-k8s", "validation"}));
}

TEST(Stages, CommandsPerTarget) {
  // As targets::stage_traits says of each target.
  const auto traits = [](const std::string& t) {
    return stages::TargetTraits{t, t != "local", t == "k8s"};
  };
  auto cmd = [&](StageId id, const std::string& t) {
    auto p = plan_stage(id, traits(t), "reports/status.xml");
    return p.argv.empty() ? "SKIPPED: " + p.skip_reason : command_line(p.argv);
  };
  for (const char* t : {"local", "compose", "k8s"}) {
    EXPECT_EQ(cmd(StageId::checkout, t), "boutique version");
    EXPECT_EQ(cmd(StageId::infrastructure_check, t), "boutique doctor");
    EXPECT_EQ(cmd(StageId::validation, t), "boutique status --junit reports/status.xml");
  }
  EXPECT_EQ(cmd(StageId::build_images, "local"),
            "SKIPPED: the local target runs the native binaries that make builds: no images");
  EXPECT_EQ(cmd(StageId::build_images, "compose"), "boutique build");
  EXPECT_EQ(cmd(StageId::build_images, "k8s"), "boutique build");
  EXPECT_EQ(cmd(StageId::deploy, "local"), "boutique up");
  EXPECT_EQ(cmd(StageId::deploy, "compose"), "boutique up");
  EXPECT_EQ(cmd(StageId::deploy, "k8s"), "boutique deploy");
  // The Validation report follows --junit's directory; a path with a space is quoted.
  EXPECT_EQ(
      command_line(plan_stage(StageId::validation, traits("local"), "my reports/status.xml").argv),
      "boutique status --junit 'my reports/status.xml'");
}

TEST(Stages, NamesAreFoundInAnySpelling) {
  for (const char* n : {"Build Images", "build images", "BUILD-IMAGES", "build_images",
                        "build-images", "build", "b"})
    EXPECT_EQ(find_stage(n).id, StageId::build_images) << n;
  EXPECT_EQ(find_stage("deploy").id, StageId::deploy);
  EXPECT_EQ(find_stage("Deploy to K8s").id, StageId::deploy);
  EXPECT_EQ(find_stage("infra").id, StageId::infrastructure_check);
  EXPECT_EQ(find_stage("Infrastructure_Check").id, StageId::infrastructure_check);
  EXPECT_EQ(find_stage("VALIDATION").id, StageId::validation);
  EXPECT_EQ(find_stage("checkout").id, StageId::checkout);
}

TEST(Stages, UnknownNamesAreUsageErrorsListingTheValidOnes) {
  for (const char* n : {"", "deploy-to-k9s", "builds", "status", "x y"}) {
    std::string msg;
    EXPECT_EQ(usage_code([&] { find_stage(n); }, &msg), 2) << n;
    EXPECT_NE(msg.find(std::string("unknown stage '") + n + "'"), std::string::npos) << msg;
    for (const char* valid : {"'Checkout' (checkout)", "'Build Images' (build-images)",
                              "'Infrastructure Check' (infrastructure-check)",
                              "'Deploy to K8s' (deploy-to-k8s)", "'Validation' (validation)"})
      EXPECT_NE(msg.find(valid), std::string::npos) << msg;
  }
}

TEST(Stages, Selection) {
  EXPECT_EQ(sel("", ""), "11111");
  EXPECT_EQ(sel("checkout", ""), "11111");
  EXPECT_EQ(sel("build", ""), "01111");
  EXPECT_EQ(sel("Deploy to K8s", ""), "00011");
  EXPECT_EQ(sel("validation", ""), "00001");
  EXPECT_EQ(sel("", "build-images"), "01000");
  EXPECT_EQ(sel("", "INFRA"), "00100");
  EXPECT_EQ(sel("", "checkout"), "10000");
  std::string msg;
  EXPECT_EQ(usage_code([] { select_stages("deploy", "validation"); }, &msg), 2);
  EXPECT_NE(msg.find("--from and --only cannot be used together"), std::string::npos) << msg;
  EXPECT_EQ(usage_code([] { select_stages("nope", ""); }), 2);
  EXPECT_EQ(usage_code([] { select_stages("", "nope"); }), 2);
}

TEST(Stages, Durations) {
  EXPECT_EQ(format_duration(0.04), "0.0 s");
  EXPECT_EQ(format_duration(12.345), "12.3 s");
  EXPECT_EQ(format_duration(59.94), "59.9 s");
  EXPECT_EQ(format_duration(125.2), "2 min 05 s");
}

TEST(Stages, ViewShowsResultDurationAndWhy) {
  using O = StageResult::Outcome;
  std::vector<StageResult> rs = {
      result(StageId::checkout, O::passed, "boutique version: boutique 0.1.0", 0.01),
      result(StageId::build_images, O::skipped, "no images for local"),
      result(StageId::infrastructure_check, O::failed, "1 of 9 checks failed", 0.5, 3),
      result(StageId::deploy, O::not_run, "not run: 'Infrastructure Check' failed"),
      result(StageId::validation, O::not_run, "not run: 'Infrastructure Check' failed")};
  const std::string v = render_stage_view(rs, false);
  EXPECT_EQ(v.find("STAGE                 RESULT   DURATION  DETAIL\n"), 0u) << v;
  EXPECT_NE(v.find("Checkout              ok       0.0 s     boutique version"), std::string::npos)
      << v;
  EXPECT_NE(v.find("Build Images          SKIPPED  -         no images for local"),
            std::string::npos)
      << v;
  EXPECT_NE(v.find("Infrastructure Check  FAILED   0.5 s     1 of 9 checks failed"),
            std::string::npos)
      << v;
  EXPECT_NE(v.find("Validation            not run  -         not run:"), std::string::npos) << v;
  EXPECT_EQ(v.find("\033["), std::string::npos);
  EXPECT_NE(render_stage_view(rs, true).find("\033[31mFAILED"), std::string::npos);
}

TEST(Stages, JunitOneTestcasePerStage) {
  using O = StageResult::Outcome;
  std::vector<StageResult> rs = {
      result(StageId::checkout, O::passed, "ok", 0.25),
      result(StageId::build_images, O::skipped, "no images for local"),
      result(StageId::infrastructure_check, O::failed, "boutique-api missing", 1.5, 3, "make"),
      result(StageId::deploy, O::not_run, "not run"),
      result(StageId::validation, O::not_run, "not run")};
  const std::string x = render_stage_junit(rs, "local");
  EXPECT_NE(x.find("<testsuite name=\"boutique.pipeline.local\" tests=\"5\" failures=\"1\" "
                   "errors=\"0\" skipped=\"3\" time=\"1.750\">"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<testcase classname=\"boutique.pipeline.local\" name=\"Infrastructure "
                   "Check\" time=\"1.500\">\n      <failure message=\"boutique-api missing\" "
                   "type=\"exit 3\">boutique x\nexit code 3: boutique-api missing\nhint: "
                   "make</failure>"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("name=\"Build Images\" time=\"0.000\">\n      <skipped message=\"no images "
                   "for local\"/>"),
            std::string::npos)
      << x;
  std::size_t cases = 0;
  for (auto p = x.find("<testcase "); p != std::string::npos; p = x.find("<testcase ", p + 1))
    ++cases;
  EXPECT_EQ(cases, 5u);
}

// The cause of a failure is text from anywhere (a program's stderr, a path): whatever it holds,
// the report must stay well-formed XML and say the same thing. Checked with a real XML parser.
TEST(Stages, JunitEscapingSurvivesARealXmlParser) {
  using O = StageResult::Outcome;
  const std::string nasty =
      "port 5000 <in use> by \"nginx\" & 'api' ]]> </failure><injected/> tab\there\x01\x1b[31m";
  std::vector<StageResult> rs = {
      result(StageId::checkout, O::passed, "a & b < c", 0.1),
      result(StageId::build_images, O::skipped, "skip \"quoted\" <why>"),
      result(StageId::infrastructure_check, O::failed, nasty, 0.5, 6, "hint <&>"),
      result(StageId::deploy, O::not_run, "not run"),
      result(StageId::validation, O::not_run, "not run")};
  char tmpl[] = "/tmp/boutique-junit-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  write_text(dir / "p.xml", render_stage_junit(rs, "local<&>"));
  const char* script =
      "import sys, xml.etree.ElementTree as E\n"
      "s = E.parse(sys.argv[1]).getroot().find('testsuite')\n"
      "print(s.get('name'))\n"
      "for c in s.findall('testcase'):\n"
      "    f = c.find('failure'); k = c.find('skipped')\n"
      "    print(c.get('name'), '|', f.get('message') if f is not None else '',\n"
      "          '|', k.get('message') if k is not None else '')\n"
      "    if f is not None: print('BODY', f.text)\n";
  PosixProcessRunner runner;
  auto r =
      runner.run({{"/usr/bin/python3", "-c", script, (dir / "p.xml").string()}, {}, {}, 30s, {}});
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r.ok()) << r.describe() << r.err;
  // Control characters become spaces (XML 1.0 forbids them); everything else comes back as is.
  const std::string seen =
      "port 5000 <in use> by \"nginx\" & 'api' ]]> </failure><injected/> tab\there  [31m";
  EXPECT_NE(r.out.find("boutique.pipeline.local<&>\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Build Images |  | skip \"quoted\" <why>\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Infrastructure Check | " + seen + " | \n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("exit code 6: " + seen + "\nhint: hint <&>"), std::string::npos) << r.out;
}
