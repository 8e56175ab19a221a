// What `boutique dev` makes of a batch of saves, and of a failed build's output (GCC 12's and
// GNU ld's exact shapes, CMake's).
#include "dev/changes.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace boutique::dev {
namespace {

core::ChangeBatch batch(std::initializer_list<const char*> rel) {
  core::ChangeBatch b;
  for (const char* r : rel) b.paths.insert(fs::path("/src/boutique") / r);
  return b;
}

TEST(DevPlan, EachSaveGoesToItsPart) {
  const auto plan =
      plan_changes(batch({"api/src/http/server.cpp", "api/migrations/007_avis.sql",
                          "api/tests/unit/http/server_test.cpp", "frontend/src/App.tsx",
                          "frontend/public/favicon.svg", "README.md", "api/openapi.json"}),
                   "/src/boutique");
  EXPECT_EQ(plan.api, (std::vector<fs::path>{"api/migrations/007_avis.sql", "api/openapi.json",
                                             "api/src/http/server.cpp"}))
      << "api/tests is not part of boutique-api";
  EXPECT_EQ(plan.migrations, std::vector<fs::path>{"api/migrations/007_avis.sql"});
  EXPECT_EQ(plan.web,
            (std::vector<fs::path>{"frontend/public/favicon.svg", "frontend/src/App.tsx"}));
  EXPECT_FALSE(plan.overflow);
}

TEST(DevPlan, TestsAloneChangeNothing) {
  EXPECT_TRUE(
      plan_changes(batch({"api/tests/integration/it_orders.cpp"}), "/src/boutique").empty());
  EXPECT_TRUE(plan_changes(batch({"docs/cli.md"}), "/src/boutique").empty());
  core::ChangeBatch lost;
  lost.overflow = true;
  EXPECT_FALSE(plan_changes(lost, "/src/boutique").empty()) << "lost events: rebuild";
}

TEST(DevPlan, Describe) {
  EXPECT_EQ(describe({"api/src/main.cpp"}), "api/src/main.cpp");
  EXPECT_EQ(describe({"api/src/main.cpp", "api/src/a.cpp", "api/src/b.cpp"}),
            "api/src/main.cpp and 2 more");
}

TEST(CompilerError, GccsFirstErrorWithItsSourceLinesNotTheIncludeChain) {
  const std::string out =
      "[ 50%] Building CXX object api/CMakeFiles/boutique_api_lib.dir/src/http/api_systeme.cpp.o\n"
      "In file included from ../../api/src/http/api_systeme.cpp:3:\n"
      "../../api/src/http/routes.hpp: In function 'void f()':\n"
      "../../api/src/http/api_systeme.cpp:35:22: error: 'undefined_thing' was not declared in "
      "this scope\n"
      "   35 |   std::string body = undefined_thing + \"{\";\n"
      "      |                      ^~~~~~~~~~~~~~~\n"
      "../../api/src/http/api_systeme.cpp:40:3: error: expected ';' before '}' token\n"
      "gmake[2]: *** [api/CMakeFiles/boutique_api_lib.dir/build.make:76: ...] Error 1\n";
  EXPECT_EQ(first_compiler_error(out),
            "../../api/src/http/api_systeme.cpp:35:22: error: 'undefined_thing' was not declared "
            "in this scope\n"
            "   35 |   std::string body = undefined_thing + \"{\";\n"
            "      |                      ^~~~~~~~~~~~~~~");
}

TEST(CompilerError, LinkerAndCMakeErrors) {
  EXPECT_EQ(first_compiler_error("[100%] Linking CXX executable ../bin/boutique-api\n"
                                 "/usr/bin/ld: libboutique_api_lib.a(server.cpp.o): in function "
                                 "`f()':\n"
                                 "/usr/bin/ld: server.cpp:(.text+0x1d): undefined reference to "
                                 "`g()'\n"
                                 "collect2: error: ld returned 1 exit status\n"),
            "/usr/bin/ld: server.cpp:(.text+0x1d): undefined reference to `g()'");
  EXPECT_EQ(first_compiler_error("CMake Error at api/CMakeLists.txt:12 (add_executable):\n"
                                 "  Cannot find source file:\n\n    src/gone.cpp\n"),
            "CMake Error at api/CMakeLists.txt:12 (add_executable):\n  Cannot find source file:");
  EXPECT_EQ(first_compiler_error("ninja: no work to do.\n"), "");
}

}  // namespace
}  // namespace boutique::dev
