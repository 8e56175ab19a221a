// Fuzz target: boutique.yaml as `boutique` loads it (core::Config::from_text: yaml-cpp, the
// settings table, validation), with no environment and no flags.
// Invariants: the only failure is a ConfigError (exit 2) whose message is one line of printable
// text; anything else would reach main() as "internal error (a bug)". An accepted
// file gives typed values that read back (integers parse, booleans are true/false), and the
// effective settings written back as YAML load to the same values.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace boutique;

core::LoadInputs inputs() {
  core::LoadInputs in;
  in.discover = false;
  in.cwd = "/fuzz";
  in.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return in;
}

std::optional<core::Config> load(const std::string& yaml) {
  try {
    return core::Config::from_text(yaml, "boutique.yaml", inputs());
  } catch (const core::ConfigError& e) {
    const std::string msg = e.what();
    FUZZ_CHECK(!msg.empty() && !fuzz::has_control_char(msg),
               "a ConfigError must be one printable line: " + msg);
    return std::nullopt;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("not a ConfigError (main() says 'internal error'): ") + e.what());
  }
  return std::nullopt;
}

// The settings that came from the file, written back as nested YAML mappings.
std::string emit(const core::Config& c) {
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::map<std::string, std::string> top;
  for (const auto& [setting, value] : c.all()) {
    if (value->source != core::Source::file) continue;
    const std::string key(setting->key);
    const auto dot = key.find('.');
    if (dot == std::string::npos)
      top[key] = value->text;
    else
      sections[key.substr(0, dot)][key.substr(dot + 1)] = value->text;
  }
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& [k, v] : top) out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
  for (const auto& [section, members] : sections) {
    out << YAML::Key << section << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : members)
      out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return out.c_str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto config = load(fuzz::text(data, size));
  if (!config) return 0;
  for (const auto& [setting, value] : config->all()) {
    if (setting->kind == core::Kind::integer)
      FUZZ_CHECK(core::parse_int(value->text).has_value(), std::string(setting->key));
    if (setting->kind == core::Kind::boolean)
      FUZZ_CHECK(value->text == "true" || value->text == "false", std::string(setting->key));
    if (value->source == core::Source::file)
      FUZZ_CHECK(value->origin.starts_with("boutique.yaml:"), value->origin);
  }
  for (const char* port : {"ports.api", "ports.web", "ports.db"})
    FUZZ_CHECK(config->integer(port) >= 1 && config->integer(port) <= 65535, port);

  // yaml-cpp's emitter cannot write bytes that are not UTF-8 (a path may hold them): those
  // files are not written back.
  for (const auto& [setting, value] : config->all())
    if (!fuzz::utf8(value->text)) return 0;
  const std::string again = emit(*config);
  const auto reloaded = load(again);
  FUZZ_CHECK(reloaded.has_value(), "the effective settings, written back, are refused:\n" + again);
  for (const auto& [setting, value] : config->all())
    FUZZ_CHECK(reloaded->str(setting->key) == value->text,
               std::string(setting->key) + " reads differently:\n" + again);
  return 0;
}
