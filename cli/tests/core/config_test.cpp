// Config loading: bad YAML, unknown keys (with line), wrong types (line and column), precedence.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "commands/deploy.hpp"
#include "core/config.hpp"
#include "core/env_file.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"

using boutique::core::Config;
using boutique::core::ConfigError;
using boutique::core::LoadInputs;
using boutique::core::Source;
namespace core = boutique::core;
namespace fs = std::filesystem;

namespace {

LoadInputs inputs(std::map<std::string, std::string> env = {},
                  std::map<std::string, std::string> flags = {}) {
  LoadInputs in;
  in.cwd = "/project";
  in.getenv = [env](const std::string& n) -> std::optional<std::string> {
    auto it = env.find(n);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  in.flags = std::move(flags);
  return in;
}

std::string error_of(const std::string& yaml, LoadInputs in = inputs()) {
  try {
    Config::from_text(yaml, "boutique.yaml", in);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Config, DefaultsWhenEmpty) {
  auto c = Config::from_text("", "boutique.yaml", inputs());
  EXPECT_EQ(c.integer("ports.api"), 5000);
  EXPECT_EQ(c.integer("ports.web"), 5173);
  EXPECT_EQ(c.str("target"), "local");
  EXPECT_TRUE(c.boolean("seed_demo"));
  EXPECT_EQ(c.value("ports.api").source, Source::defaults);
  EXPECT_EQ(c.path("state_dir"), std::filesystem::path("/project/.boutique"));
}

TEST(Config, ReadsNestedValuesAndRecordsTheLine) {
  auto c = Config::from_text("project: shop\nports:\n  api: 5050\n  web: 8080\n", "boutique.yaml",
                             inputs());
  EXPECT_EQ(c.str("project"), "shop");
  EXPECT_EQ(c.integer("ports.api"), 5050);
  EXPECT_EQ(c.value("ports.api").source, Source::file);
  EXPECT_EQ(c.value("ports.api").origin, "boutique.yaml:3");
  EXPECT_EQ(c.integer("ports.db"), 5433);  // untouched default
}

TEST(Config, BadYamlNamesLineAndColumn) {
  auto e = error_of("ports:\n  api: [5000\n");
  EXPECT_NE(e.find("boutique.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
}

TEST(Config, UnknownTopLevelKeyNamesKeyAndLine) {
  auto e = error_of("project: x\nprots:\n  api: 1\n");
  EXPECT_NE(e.find("boutique.yaml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'prots'"), std::string::npos) << e;
  EXPECT_NE(e.find("ports"), std::string::npos) << e;  // lists the known keys
}

TEST(Config, UnknownNestedKeyNamesFullKeyAndLine) {
  auto e = error_of("ports:\n  api: 5000\n  wbe: 1\n");
  EXPECT_NE(e.find("boutique.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'ports.wbe'"), std::string::npos) << e;
}

// Found by tests/fuzz (cli_config): every key was read through a reference to a member of a
// yaml-cpp iterator's temporary proxy (AddressSanitizer: stack-use-after-scope). Keys and values
// at each level, each with its own line, are what the asan preset checks here.
TEST(Config, EveryKeyAndValueAtEveryLevelIsReadWithItsLine) {
  auto c = Config::from_text(
      "project: shop\ntarget: compose\nports:\n  api: 6000\n  web: 6001\n  db: 6002\n"
      "seed_demo: no\nlocal:\n  log_format: json\n",
      "boutique.yaml", inputs());
  EXPECT_EQ(c.str("project"), "shop");
  EXPECT_EQ(c.str("target"), "compose");
  EXPECT_EQ(c.integer("ports.db"), 6002);
  EXPECT_EQ(c.value("ports.db").origin, "boutique.yaml:6");
  EXPECT_FALSE(c.boolean("seed_demo"));
  EXPECT_EQ(c.value("local.log_format").origin, "boutique.yaml:9");
  EXPECT_NE(error_of("port:\n  api: 1\n").find("boutique.yaml:1: unknown key 'port'"),
            std::string::npos);
}

// Found by tests/fuzz (cli_config): a value, a key or yaml-cpp's own message quoted a control
// character as is: a multi-line error, or escape sequences sent to the terminal.
TEST(Config, ControlCharactersInMessagesAreEscaped) {
  for (const auto& [yaml, shown] : std::map<std::string, std::string>{
           {"target: \"local\\n\\e[31m\"\n", "got 'local\\n\\x1b[31m'"},
           {"\"por\\tts\": 1\n", "unknown key 'por\\tts'"},
           {"images:\n  engine: \"a\\x07\"\n", "got 'a\\x07'"},
           {"project: \"\\\x01\"\n", "unknown escape character: \\x01"}}) {
    const auto e = error_of(yaml);
    EXPECT_NE(e.find(shown), std::string::npos) << e;
    for (const char c : e) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << e;
  }
}

// Found with tests/fuzz (cli_config, a long value): the image name check used std::regex, which
// recurses once a character: a long images.api overflowed the stack (SIGSEGV).
TEST(Config, LongValuesAreCheckedWithoutRecursion) {
  const std::string name(1'000'000, 'a');
  auto c = Config::from_text("images:\n  api: " + name + "\n", "boutique.yaml", inputs());
  EXPECT_EQ(c.str("images.api"), name);
  for (const char* key : {"api", "tag"})
    EXPECT_NE(error_of("images:\n  " + std::string(key) + ": " + name + "A\n").find("not an image"),
              std::string::npos)
        << key;
  EXPECT_NE(error_of("database:\n  name: " + name + "\n").find("SQL identifier"),
            std::string::npos);
}

TEST(Config, WrongTypeNamesLineAndColumn) {
  auto e = error_of("ports:\n  api: cinq-mille\n");
  EXPECT_NE(e.find("boutique.yaml:2:8"), std::string::npos) << e;
  EXPECT_NE(e.find("ports.api must be an integer"), std::string::npos) << e;
  EXPECT_NE(e.find("cinq-mille"), std::string::npos) << e;
}

TEST(Config, MappingWhereScalarExpected) {
  auto e = error_of("target:\n  name: local\n");
  EXPECT_NE(e.find("boutique.yaml:2:3"), std::string::npos) << e;
  EXPECT_NE(e.find("got a mapping"), std::string::npos) << e;
}

TEST(Config, ScalarWhereSectionExpected) {
  auto e = error_of("ports: 5000\n");
  EXPECT_NE(e.find("boutique.yaml:1:8"), std::string::npos) << e;
  EXPECT_NE(e.find("'ports' must be a mapping"), std::string::npos) << e;
}

TEST(Config, BooleanWrongType) {
  auto e = error_of("seed_demo: peut-etre\n");
  EXPECT_NE(e.find("boutique.yaml:1:12"), std::string::npos) << e;
  EXPECT_NE(e.find("boolean"), std::string::npos) << e;
}

TEST(Config, DuplicateKeyIsAnError) {
  auto e = error_of("ports:\n  api: 1\n  api: 2\n");
  EXPECT_NE(e.find("duplicate key 'ports.api'"), std::string::npos) << e;
}

TEST(Config, TopLevelListIsAnError) {
  EXPECT_NE(error_of("- a\n- b\n").find("top level must be a mapping"), std::string::npos);
}

TEST(Config, ValidatesRangesAndIdentifiers) {
  EXPECT_NE(error_of("ports:\n  api: 70000\n").find("between 1 and 65535"), std::string::npos);
  EXPECT_NE(error_of("ports:\n  api: 5173\n").find("must differ"), std::string::npos);
  EXPECT_NE(error_of("database:\n  name: \"x; DROP\"\n").find("SQL identifier"), std::string::npos);
  EXPECT_NE(error_of("target: docker\n").find("local, compose or k8s"), std::string::npos);
  EXPECT_NE(error_of("ports:\n  api: 99999999999\n").find("must be an integer"), std::string::npos);
}

TEST(Config, PrecedenceFlagsOverEnvOverFileOverDefaults) {
  const std::string yaml = "target: compose\nports:\n  api: 5001\n  web: 5002\n";
  auto c = Config::from_text(
      yaml, "boutique.yaml",
      inputs({{"BOUTIQUE_API_PORT", "6001"}, {"BOUTIQUE_TARGET", "k8s"}}, {{"target", "local"}}));
  EXPECT_EQ(c.str("target"), "local");  // flag beats env and file
  EXPECT_EQ(c.value("target").source, Source::flag);
  EXPECT_EQ(c.integer("ports.api"), 6001);  // env beats file
  EXPECT_EQ(c.value("ports.api").source, Source::env);
  EXPECT_EQ(c.value("ports.api").origin, "BOUTIQUE_API_PORT");
  EXPECT_EQ(c.integer("ports.web"), 5002);  // file beats default
  EXPECT_EQ(c.integer("ports.db"), 5433);   // default
}

TEST(Config, BadEnvironmentValueNamesTheVariable) {
  auto e = error_of("", inputs({{"BOUTIQUE_WEB_PORT", "http"}}));
  EXPECT_NE(e.find("BOUTIQUE_WEB_PORT"), std::string::npos) << e;
}

TEST(Config, LoadFindsFileAndUsesItsDirectoryAsRoot) {
  auto dir =
      std::filesystem::temp_directory_path() / ("boutique-cfg-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "boutique.yaml") << "state_dir: state\n";
  LoadInputs in = inputs();
  in.cwd = dir;
  auto c = Config::load(in);
  ASSERT_TRUE(c.file());
  EXPECT_EQ(c.root(), dir);
  EXPECT_EQ(c.path("state_dir"), dir / "state");
  in.file = dir / "missing.yaml";
  EXPECT_THROW(Config::load(in), ConfigError);
  std::filesystem::remove_all(dir);
}

// One duration syntax for every timeout: flags (up, deploy) and settings (health_timeout,
// stop_timeout).
TEST(Durations, SecondsMinutesHoursEverywhere) {
  using boutique::core::parse_duration;
  using boutique::core::require_duration;
  EXPECT_EQ(parse_duration("300"), 300);
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration("5m"), 300);
  EXPECT_EQ(parse_duration("1h"), 3600);
  EXPECT_EQ(parse_duration("24h"), 86400);
  for (const char* bad : {"", "m", "0", "-5m", "5x", "5 m", "2d", "25h", "99999999999999999999"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
    EXPECT_THROW(require_duration(bad, "--timeout"), ConfigError) << bad;
  }
  auto c = Config::from_text("health_timeout: 2m\nstop_timeout: 15s\n", "boutique.yaml", inputs());
  EXPECT_EQ(c.integer("health_timeout"), 120);
  EXPECT_EQ(c.integer("stop_timeout"), 15);
  EXPECT_EQ(Config::from_text("", "f", inputs({{"BOUTIQUE_HEALTH_TIMEOUT", "1h"}}))
                .integer("health_timeout"),
            3600);
  auto e = error_of("stop_timeout: soon\n");
  EXPECT_NE(e.find("stop_timeout must be a duration (90, 90s, 5m or 1h)"), std::string::npos) << e;
}

TEST(EnvFile, LastAssignmentOfTheKeyQuotesAndExportStripped) {
  char tmpl[] = "/tmp/boutique-envfile-XXXXXX";
  const fs::path dir = ::mkdtemp(tmpl);
  const fs::path f = dir / ".env";
  core::write_text(f,
                   "# a comment\n  POSTGRES_PASSWORD=first\nexport POSTGRES_USER=\"u s\"\r\n"
                   "POSTGRES_PASSWORD='second'\nPOSTGRES_PASSWORDX=no\nEMPTY=\n");
  EXPECT_EQ(core::env_file_value(f, "POSTGRES_PASSWORD").value(), "second");
  EXPECT_EQ(core::env_file_value(f, "POSTGRES_USER").value(), "u s");
  EXPECT_EQ(core::env_file_value(f, "EMPTY").value(), "");
  EXPECT_FALSE(core::env_file_value(f, "POSTGRES_DB"));
  EXPECT_FALSE(core::env_file_value(dir / "absent", "POSTGRES_USER"));
  fs::remove_all(dir);
}

// Settings every target uses lost their `local.` prefix; the old names still work, and
// `boutique config` notes where they are used.
TEST(Config, FormerLocalNamesAreReadAndNoted) {
  auto c = Config::from_text("local:\n  state_dir: st\n  stop_timeout: 3\n  bind: 0.0.0.0\n",
                             "boutique.yaml", inputs());
  EXPECT_EQ(c.integer("stop_timeout"), 3);
  EXPECT_EQ(c.path("state_dir"), std::filesystem::path("/project/st"));
  EXPECT_EQ(c.value("state_dir").origin, "boutique.yaml:2");
  ASSERT_EQ(c.deprecated().size(), 2u);
  EXPECT_EQ(c.deprecated()[0].old_key, "local.state_dir");
  EXPECT_EQ(c.deprecated()[0].key, "state_dir");
  EXPECT_EQ(c.deprecated()[0].origin, "boutique.yaml:2");
  EXPECT_EQ(c.deprecated()[1].key, "stop_timeout");
  EXPECT_TRUE(Config::from_text("state_dir: st\n", "boutique.yaml", inputs()).deprecated().empty());
  // Flags and the environment name settings by their keys and variables: old keys still resolve.
  EXPECT_FALSE(Config::from_text("", "boutique.yaml", inputs({}, {{"local.seed_demo", "no"}}))
                   .boolean("seed_demo"));
  // Both names in one file: which one meant what is unclear, so it is an error.
  auto e = error_of("state_dir: a\nlocal:\n  state_dir: b\n");
  EXPECT_NE(e.find("boutique.yaml:3: local.state_dir sets state_dir again"), std::string::npos)
      << e;
}
