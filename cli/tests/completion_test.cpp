// `boutique completion`: the scripts the real binary prints, run by the real shells. bash: its
// completion function is called on command lines (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT)
// and COMPREPLY checked; every command and option the binary's own --help lists must be in the
// script. zsh and fish, when installed (they are not CI dependencies): the scripts parse, zsh
// registers the function, fish completes a few lines (`complete -C`). Otherwise: skipped.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "commands/choices.hpp"
#include "core/process.hpp"
#include "hermetic_env.hpp"

namespace fs = std::filesystem;
using namespace boutique;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The program's full path from PATH, empty when it is not installed.
std::string which(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');) {
    const fs::path p = fs::path(d.empty() ? "." : d) / name;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return {};
}

class Completion : public ::testing::Test {
 protected:
  void SetUp() override {
    fake::clear_boutique_env();
    char tmpl[] = "/tmp/boutique-completion-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  core::Result run(std::vector<std::string> argv, const fs::path& cwd = {},
                   std::map<std::string, std::string> env = {}) {
    auto r = runner_.run({std::move(argv), std::move(env), cwd, 60s, {}});
    if (!r.ok()) std::cerr << r.describe() << "\n" << r.out << r.err;
    return r;
  }
  // The script the binary prints for `shell`, written to a file.
  fs::path script(const std::string& shell) {
    auto r = run({BOUTIQUE_CLI, "completion", shell});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    const fs::path file = dir_ / ("boutique." + shell);
    std::ofstream(file) << r.out;
    return file;
  }
  // COMPREPLY of the bash function for `line` (words; the last is the one being completed),
  // run by a bare bash in `cwd`. The first word is the binary's path, as a user's would be.
  std::vector<std::string> bash_complete(std::vector<std::string> words,
                                         const fs::path& cwd = BOUTIQUE_SOURCE_DIR) {
    if (bash_script_.empty()) bash_script_ = script("bash");
    words.insert(words.begin(), BOUTIQUE_CLI);
    std::vector<std::string> argv = {"bash",
                                     "--norc",
                                     "--noprofile",
                                     "-c",
                                     R"(source "$1" || exit 9
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
COMPREPLY=(unchanged)
_boutique || exit 8
printf '%s\n' "${COMPREPLY[@]}")",
                                     "bash",
                                     bash_script_.string()};
    argv.insert(argv.end(), words.begin(), words.end());
    auto r = run(argv, cwd);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    return sorted(lines_of(r.out));
  }
  // The commands and option names a --help text lists (CLI11 2.1's layout: "Options:" and
  // "Subcommands:" sections, two-space indented rows; the global options' footer too).
  static void read_help(const std::string& help, std::set<std::string>& commands,
                        std::set<std::string>& options) {
    std::string section;
    for (const auto& line : lines_of(help)) {
      if (line[0] != ' ') {
        section = line;
        continue;
      }
      std::smatch m;
      if (section.rfind("Subcommands:", 0) == 0 &&
          std::regex_search(line, m, std::regex(R"(^  ([a-z][a-z-]*))")))
        commands.insert(m[1]);
      if (std::regex_search(line, m, std::regex(R"(^  (-[-A-Za-z0-9,]+))"))) {
        std::istringstream names(m[1].str());
        for (std::string n; std::getline(names, n, ',');) options.insert(n);
      }
    }
  }

  core::PosixProcessRunner runner_;
  fs::path dir_;
  fs::path bash_script_;
};

using V = std::vector<std::string>;

}  // namespace

TEST_F(Completion, BashCompletesCommandsOptionsAndValues) {
  EXPECT_EQ(bash_complete({""}), sorted({"build", "doctor", "up", "down", "status", "logs",
                                         "config", "version", "render", "deploy", "urls",
                                         "pipeline", "completion", "backup", "restore", "dev"}));
  EXPECT_EQ(bash_complete({"lo"}), V{"logs"});
  EXPECT_EQ(bash_complete({"up", "--target", ""}), sorted({"local", "compose", "k8s"}));
  EXPECT_EQ(bash_complete({"--target", "k8s", "st"}), V{"status"});  // a global option first
  EXPECT_EQ(bash_complete({"--engine", ""}), sorted({"auto", "docker", "podman"}));
  EXPECT_EQ(bash_complete({"status", "-o", ""}), sorted({"table", "json"}));
  EXPECT_EQ(bash_complete({"status", "--output", "="}), sorted({"table", "json"}));  // --output=
  EXPECT_EQ(bash_complete({"status", "--ju"}), V{"--junit"});
  EXPECT_EQ(bash_complete({"logs", ""}), sorted({"db", "api", "web"}));
  EXPECT_EQ(bash_complete({"up", "api", "w"}), V{"web"});
  EXPECT_EQ(bash_complete({"build", ""}), sorted({"api", "web"}));
  EXPECT_EQ(bash_complete({"completion", ""}), sorted({"bash", "zsh", "fish"}));
  EXPECT_EQ(bash_complete({"pipeline", "--from", "inf"}), V{"infrastructure-check"});
  EXPECT_EQ(bash_complete({"deploy", "--timeout", ""}), V{});  // free text: nothing offered
  const auto logs_options = bash_complete({"logs", "-"});
  for (const char* o : {"--follow", "--tail", "--since", "--help", "--target", "-o"})
    EXPECT_NE(std::find(logs_options.begin(), logs_options.end(), o), logs_options.end()) << o;
}

TEST_F(Completion, BashCompletesTheOverlaysOfTheProjectAtCompletionTime) {
  V real;
  for (const auto& e : fs::directory_iterator(fs::path(BOUTIQUE_SOURCE_DIR) / "manifests/overlays"))
    if (e.is_directory()) real.push_back(e.path().filename().string());
  for (const char* o : {"minikube", "prod", "prod-external-db"})
    EXPECT_NE(std::find(real.begin(), real.end(), o), real.end()) << o;
  EXPECT_EQ(bash_complete({"deploy", "--overlay", ""}), sorted(real));
  EXPECT_EQ(bash_complete({"render", "--overlay", "mini"}), V{"minikube"});

  // Another project, named by --config on the line: its overlays, found when Tab is pressed.
  fs::create_directories(dir_ / "shop/manifests/overlays/staging");
  fs::create_directories(dir_ / "shop/manifests/overlays/edge");
  std::ofstream(dir_ / "shop/boutique.yaml") << "target: k8s\n";
  EXPECT_EQ(
      bash_complete({"--config", (dir_ / "shop/boutique.yaml").string(), "deploy", "--overlay", ""},
                    dir_),
      sorted({"edge", "staging"}));
  // Nowhere near a project: nothing, and no error.
  EXPECT_EQ(bash_complete({"deploy", "--overlay", ""}, dir_), V{});
}

// Every command and option the binary's --help shows is in the bash script: the script cannot
// fall behind the command line.
TEST_F(Completion, BashScriptHasEveryCommandAndOptionOfTheHelp) {
  std::set<std::string> commands, options;
  read_help(run({BOUTIQUE_CLI, "--help"}).out, commands, options);
  ASSERT_GE(commands.size(), 13u);
  for (const auto& c : commands) read_help(run({BOUTIQUE_CLI, c, "--help"}).out, commands, options);
  ASSERT_GE(options.size(), 30u);
  std::ifstream in(script("bash"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto words = [&](const std::string& w) {
    return std::regex_search(text, std::regex("(^|[ '|(])" + w + "($|[ '|)])"));
  };
  for (const auto& c : commands) EXPECT_TRUE(words(c)) << "command " << c << " not in the script";
  for (const auto& o : options) EXPECT_TRUE(words(o)) << "option " << o << " not in the script";
}

TEST_F(Completion, UnknownOrMissingShellIsAUsageError) {
  auto r = run({BOUTIQUE_CLI, "completion", "tcsh"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("tcsh"), std::string::npos);
  EXPECT_NE(r.err.find("bash, zsh, fish"), std::string::npos);
  EXPECT_EQ(run({BOUTIQUE_CLI, "completion"}).exit_code, 2);
  EXPECT_EQ(run({BOUTIQUE_CLI, "completion", "--list", "nope"}).exit_code, 105);  // CLI11's own
}

TEST_F(Completion, ZshScriptParsesAndRegisters) {
  const std::string zsh = which("zsh");
  if (zsh.empty()) GTEST_SKIP() << "zsh is not installed (apt-get install zsh to run this)";
  const fs::path file = script("zsh");
  EXPECT_EQ(run({zsh, "-n", file.string()}).exit_code, 0);
  auto r = run({zsh, "-f", "-c",
                "autoload -Uz compinit && compinit -u -D && source \"$1\" && "
                "print -r -- ${_comps[boutique]}",
                "zsh", file.string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "_boutique\n");
}

TEST_F(Completion, FishScriptParsesAndCompletes) {
  const std::string fish = which("fish");
  if (fish.empty()) GTEST_SKIP() << "fish is not installed (apt-get install fish to run this)";
  const fs::path file = script("fish");
  EXPECT_EQ(run({fish, "--no-execute", file.string()}).exit_code, 0);
  // complete -C prints "candidate<TAB>description" lines for a command line.
  auto complete = [&](const std::string& line) {
    const std::string path = fs::path(BOUTIQUE_CLI).parent_path().string() + ":" +
                             std::string(std::getenv("PATH") ? std::getenv("PATH") : "");
    auto r = run(
        {fish, "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", file.string(), line},
        BOUTIQUE_SOURCE_DIR, {{"PATH", path}, {"HOME", dir_.string()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    V out;
    for (const auto& l : lines_of(r.out)) out.push_back(l.substr(0, l.find('\t')));
    return sorted(out);
  };
  EXPECT_EQ(complete("boutique lo"), V{"logs"});
  EXPECT_EQ(complete("boutique up --target "), sorted({"local", "compose", "k8s"}));
  EXPECT_EQ(complete("boutique logs "), sorted({"db", "api", "web"}));
  const auto overlays = complete("boutique deploy --overlay ");
  EXPECT_NE(std::find(overlays.begin(), overlays.end(), "prod"), overlays.end());
}

// The value lists live on the options themselves: one_of checks them, values_of reads them back.
TEST(Choices, ValuesRoundTripAndStillValidate) {
  CLI::App app;
  std::string target, shell;
  auto* t = app.add_option("--target", target)->check(commands::choices::one_of({"a", "b-c"}));
  auto* s = app.add_option("--shell", shell)->check(commands::choices::suggests({"x", "y"}));
  auto* plain = app.add_option("--plain", shell)->type_name(commands::choices::kFile);
  EXPECT_EQ(commands::choices::values_of(*t), (V{"a", "b-c"}));
  EXPECT_EQ(commands::choices::values_of(*s), (V{"x", "y"}));
  EXPECT_EQ(commands::choices::values_of(*plain), V{});
  EXPECT_EQ(commands::choices::type_of(*plain), "FILE");
  EXPECT_EQ(commands::choices::type_of(*t), "TEXT");
  EXPECT_THROW(app.parse("--target z", false), CLI::ValidationError);
  EXPECT_NO_THROW(app.parse("--shell anything", false));
}
