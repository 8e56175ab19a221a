#pragma once
// Status is data: a list of checks. Renderers turn it into an aligned table for humans, JSON for
// scripts, or JUnit XML for Jenkins; every command reporting facts goes through these.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace boutique::core {

struct Check {
  std::string component;  // "api", "db", "web", or a tool name for doctor
  std::string check;      // "process", "port", "healthz", ...
  bool ok = false;
  std::string detail;    // what was seen: "pid 1234", "HTTP 200 (2 ms)"
  std::string hint;      // what to do when it fails
  bool required = true;  // doctor: an optional tool missing is not a failure
  double seconds = 0;    // how long the check took (JUnit time)
};

bool all_ok(const std::vector<Check>& checks);  // every required check passed

enum class Format { table, json };

// A plain aligned table; a cell may carry an ANSI colour, ignored for width.
struct Cell {
  std::string text;
  const char* color = nullptr;  // e.g. "\033[32m"
};
std::string render_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<Cell>>& rows, bool color);

namespace ansi {
inline constexpr const char* green = "\033[32m";
inline constexpr const char* red = "\033[31m";
inline constexpr const char* yellow = "\033[33m";
inline constexpr const char* dim = "\033[2m";
inline constexpr const char* bold = "\033[1m";
inline constexpr const char* reset = "\033[0m";
}  // namespace ansi

// COMPONENT CHECK STATUS DETAIL, then one "hint:" line per failed check.
std::string render_checks_table(const std::vector<Check>& checks, bool color);
nlohmann::json checks_to_json(const std::vector<Check>& checks);
// {"target": ..., "ok": ..., "checks": [...]}
std::string render_checks_json(const std::vector<Check>& checks, const std::string& target);
// One <testsuite> named `suite`, one <testcase classname=suite.component name=check> per check.
std::string render_junit(const std::vector<Check>& checks, const std::string& suite);
std::string xml_escape(const std::string& s);

}  // namespace boutique::core
