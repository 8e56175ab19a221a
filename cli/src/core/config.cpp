#include "core/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;

namespace boutique::core {

std::string_view to_string(Source s) {
  switch (s) {
    case Source::defaults:
      return "default";
    case Source::file:
      return "file";
    case Source::env:
      return "env";
    case Source::flag:
      return "flag";
  }
  return "?";
}

const Setting* Config::find_setting(std::string_view key) {
  for (const auto& a : aliases())
    if (a.old_key == key) key = a.key;
  for (const auto& s : settings())
    if (s.key == key) return &s;
  return nullptr;
}

const Setting& Config::setting(std::string_view key) {
  if (const Setting* s = find_setting(key)) return *s;
  throw std::logic_error(fmt::format("unknown setting '{}'", key));
}

std::optional<bool> parse_bool(std::string_view s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
  if (l == "false" || l == "no" || l == "off" || l == "0") return false;
  return std::nullopt;
}

std::optional<long> parse_int(std::string_view s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<long> parse_duration(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  auto n = parse_int(s.substr(0, digits));
  const std::string_view unit = s.substr(digits);
  const long mult = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (!n || *n <= 0 || mult == 0 || *n > 86400 / mult) return std::nullopt;
  return *n * mult;
}

namespace {

std::string type_name(Kind k) {
  switch (k) {
    case Kind::integer:
      return "an integer";
    case Kind::boolean:
      return "a boolean (true/false)";
    case Kind::string:
      return "a string";
    case Kind::path:
      return "a path";
    case Kind::duration:
      return "a duration (90, 90s, 5m or 1h)";
  }
  return "?";
}

// User text quoted in an error message, control characters escaped (\n, \t, \x1b...): the message
// stays one line and cannot drive the terminal (found by tests/fuzz, cli_config).
std::string shown(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7F)
      out += fmt::format("\\x{:02x}", u);
    else
      out.push_back(c);
  }
  return out;
}

std::string mark_str(const std::string& file, const YAML::Mark& m, bool with_column) {
  if (m.is_null()) return file;
  if (!with_column) return fmt::format("{}:{}", file, m.line + 1);
  return fmt::format("{}:{}:{}", file, m.line + 1, m.column + 1);
}

std::string known_keys(std::string_view prefix) {
  std::set<std::string> names;
  for (const auto& s : Config::settings()) {
    std::string_view k = s.key;
    if (!prefix.empty()) {
      if (k.substr(0, prefix.size() + 1) != std::string(prefix) + ".") continue;
      k.remove_prefix(prefix.size() + 1);
    }
    names.emplace(k.substr(0, k.find('.')));
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool is_section(std::string_view name) {
  for (const auto& s : Config::settings())
    if (s.key.size() > name.size() && s.key.substr(0, name.size()) == name &&
        s.key[name.size()] == '.')
      return true;
  return false;
}

}  // namespace

long require_duration(std::string_view s, std::string_view name) {
  if (auto v = parse_duration(s)) return *v;
  throw ConfigError(fmt::format(
      "{} must be a duration like 90, 90s, 5m or 1h (at most a day), got '{}'", name, shown(s)));
}

void Config::apply_defaults() {
  for (const auto& s : settings())
    values_[std::string(s.key)] = Value{std::string(s.def), Source::defaults, "built-in"};
}

void Config::set(const Setting& s, std::string text, Source src, std::string origin,
                 const std::string& where) {
  if (s.kind == Kind::integer) {
    auto n = parse_int(text);
    if (n && (*n < -2147483647L || *n > 2147483647L)) n.reset();
    if (!n)
      throw ConfigError(
          fmt::format("{}: {} must be {}, got '{}'", where, s.key, type_name(s.kind), shown(text)));
  }
  if (s.kind == Kind::duration) {
    auto d = parse_duration(text);
    if (!d)
      throw ConfigError(
          fmt::format("{}: {} must be {}, got '{}'", where, s.key, type_name(s.kind), shown(text)));
    text = std::to_string(*d);  // seconds: what integer() reads
  }
  if (s.kind == Kind::boolean) {
    auto b = parse_bool(text);
    if (!b)
      throw ConfigError(
          fmt::format("{}: {} must be {}, got '{}'", where, s.key, type_name(s.kind), shown(text)));
    text = *b ? "true" : "false";
  }
  values_[std::string(s.key)] = Value{std::move(text), src, std::move(origin)};
}

void Config::apply_yaml(const std::string& text, const std::string& filename) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(
        fmt::format("{}: invalid YAML: {}", mark_str(filename, e.mark, true), shown(e.msg)));
  }
  if (!doc || doc.IsNull()) return;
  if (!doc.IsMap())
    throw ConfigError(fmt::format("{}: the top level must be a mapping of settings",
                                  mark_str(filename, doc.Mark(), true)));
  std::set<std::string> set_here;  // keys set by this file, to refuse a key and its old name
  // Walk one mapping level; `prefix` is "" at the top, "ports" inside ports:.
  std::function<void(const YAML::Node&, const std::string&)> walk = [&](const YAML::Node& map,
                                                                        const std::string& prefix) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      // Copies (a Node is a handle): `it->first` is a member of a temporary proxy that dies at the
      // end of the statement, so a reference to it dangles (found by tests/fuzz, cli_config).
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      if (!k.IsScalar())
        throw ConfigError(
            fmt::format("{}: keys must be plain names", mark_str(filename, k.Mark(), true)));
      std::string name = k.Scalar();
      std::string key = prefix.empty() ? name : prefix + "." + name;
      if (!seen.insert(name).second)
        throw ConfigError(
            fmt::format("{}: duplicate key '{}'", mark_str(filename, k.Mark(), false), shown(key)));
      if (is_section(key)) {
        if (v.IsNull()) continue;
        if (!v.IsMap())
          throw ConfigError(fmt::format("{}: '{}' must be a mapping (keys: {})",
                                        mark_str(filename, v.Mark(), true), key, known_keys(key)));
        walk(v, key);
        continue;
      }
      const Setting* s = find_setting(key);
      if (s && !set_here.insert(std::string(s->key)).second)
        throw ConfigError(fmt::format("{}: {} sets {} again (an old and a new name of one setting)",
                                      mark_str(filename, k.Mark(), false), shown(key), s->key),
                          fmt::format("keep only {}", s->key));
      if (s && s->key != key)
        deprecated_.push_back({key, std::string(s->key), mark_str(filename, k.Mark(), false)});
      if (!s)
        throw ConfigError(
            fmt::format("{}: unknown key '{}'{}", mark_str(filename, k.Mark(), false), shown(key),
                        fmt::format(" (known{}: {})", prefix.empty() ? "" : " under " + prefix,
                                    known_keys(prefix))));
      if (!v.IsScalar())
        throw ConfigError(fmt::format("{}: {} must be {}, got a {}",
                                      mark_str(filename, v.Mark(), true), key, type_name(s->kind),
                                      v.IsMap()        ? "mapping"
                                      : v.IsSequence() ? "list"
                                                       : "null"));
      set(*s, v.Scalar(), Source::file, mark_str(filename, k.Mark(), false),
          mark_str(filename, v.Mark(), true));
    }
  };
  walk(doc, "");
}

void Config::apply_env_and_flags(const LoadInputs& in) {
  auto get = in.getenv ? in.getenv : [](const std::string& n) -> std::optional<std::string> {
    const char* v = std::getenv(n.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  for (const auto& s : settings()) {
    if (s.env.empty()) continue;
    auto v = get(std::string(s.env));
    if (v && !v->empty())
      set(s, *v, Source::env, std::string(s.env), fmt::format("environment {}", s.env));
  }
  for (const auto& [key, text] : in.flags) {
    const Setting& s = setting(key);  // an old name too (aliases())
    set(s, text, Source::flag, "command line", "command line");
  }
}

void Config::validate() const {
  auto where = [&](std::string_view key) {
    const Value& v = value(key);
    return fmt::format("{} ({})", key, v.origin);
  };
  for (auto key : {"ports.api", "ports.web", "ports.db"}) {
    int p = integer(key);
    if (p < 1 || p > 65535)
      throw ConfigError(fmt::format("{}: port must be between 1 and 65535, got {}", where(key), p));
  }
  if (integer("ports.api") == integer("ports.web") || integer("ports.api") == integer("ports.db") ||
      integer("ports.web") == integer("ports.db"))
    throw ConfigError(fmt::format("ports.api, ports.web and ports.db must differ (got {}, {}, {})",
                                  integer("ports.api"), integer("ports.web"), integer("ports.db")));
  const std::string& t = str("target");
  if (t != "local" && t != "compose" && t != "k8s")
    throw ConfigError(fmt::format("{}: target must be local, compose or k8s, got '{}'",
                                  where("target"), shown(t)));
  static const std::regex ident("[a-z_][a-z0-9_]{0,62}");
  for (auto key : {"database.name", "database.user"})
    if (!std::regex_match(str(key), ident))
      throw ConfigError(
          fmt::format("{}: must be a lower-case SQL identifier ([a-z_][a-z0-9_]*), "
                      "got '{}'",
                      where(key), shown(str(key))));
  if (str("admin.email").find('@') == std::string::npos)
    throw ConfigError(fmt::format("{}: not an email address: '{}'", where("admin.email"),
                                  shown(str("admin.email"))));
  for (auto key : {"health_timeout", "stop_timeout"})
    if (integer(key) < 1)
      throw ConfigError(fmt::format("{}: must be at least 1 second", where(key)));
  if (str("local.log_format") != "text" && str("local.log_format") != "json")
    throw ConfigError(fmt::format("{}: must be text or json", where("local.log_format")));
  auto one_of = [&](std::string_view key, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
      if (str(key) == a) return;
    throw ConfigError(fmt::format("{}: must be {}, got '{}'", where(key), fmt::join(allowed, "|"),
                                  shown(str(key))));
  };
  one_of("images.engine", {"auto", "docker", "podman"});
  one_of("images.web_target", {"auto", "web", "web-dist"});
  // [a-z0-9][a-z0-9._/-]*, checked by hand: std::regex recurses once a character, and a long
  // value overflowed the stack (found with tests/fuzz, cli_config).
  const auto image_name = [](const std::string& s) {
    const auto ok = [](char c, bool first) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             (!first && (c == '.' || c == '_' || c == '/' || c == '-'));
    };
    if (s.empty() || !ok(s[0], true)) return false;
    return std::all_of(s.begin() + 1, s.end(), [&](char c) { return ok(c, false); });
  };
  for (auto key : {"images.api", "images.web"})
    if (!image_name(str(key)))
      throw ConfigError(fmt::format("{}: not an image name: '{}'", where(key), shown(str(key))));
  static const std::regex tag("([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");
  if (!std::regex_match(str("images.tag"), tag))
    throw ConfigError(
        fmt::format("{}: not an image tag: '{}'", where("images.tag"), shown(str("images.tag"))));
  if (!str("images.registry").empty() && str("images.registry").back() == '/')
    throw ConfigError(fmt::format("{}: no trailing '/' (e.g. registry.example.com/boutique)",
                                  where("images.registry")));
  if (str("state_dir").empty())
    throw ConfigError(fmt::format("{}: must not be empty", where("state_dir")));
}

Config Config::from_text(const std::string& yaml, const std::string& filename,
                         const LoadInputs& in) {
  Config c;
  c.apply_defaults();
  c.apply_yaml(yaml, filename);
  c.root_ = in.cwd;
  c.apply_env_and_flags(in);
  c.validate();
  return c;
}

Config Config::load(const LoadInputs& in) {
  std::optional<fs::path> file = in.file;
  if (file) {
    if (!fs::exists(*file))
      throw ConfigError(fmt::format("config file {} does not exist", file->string()),
                        "check --config, or run without it to use ./boutique.yaml");
  } else if (in.discover && fs::exists(in.cwd / "boutique.yaml")) {
    file = in.cwd / "boutique.yaml";
  }
  Config c;
  c.apply_defaults();
  c.root_ = in.cwd;
  if (file) {
    std::ifstream f(*file);
    if (!f) throw ConfigError(fmt::format("cannot read {}", file->string()));
    std::stringstream ss;
    ss << f.rdbuf();
    fs::path abs = fs::absolute(*file).lexically_normal();
    c.apply_yaml(ss.str(), file->filename() == *file ? file->string() : abs.string());
    c.file_ = abs;
    c.root_ = abs.parent_path();
  }
  c.apply_env_and_flags(in);
  c.validate();
  return c;
}

const Value& Config::value(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error(fmt::format("unknown setting '{}'", key));
  return it->second;
}

int Config::integer(std::string_view key) const {
  return static_cast<int>(parse_int(value(key).text).value_or(0));
}

bool Config::boolean(std::string_view key) const {
  return parse_bool(value(key).text).value_or(false);
}

fs::path Config::path(std::string_view key) const {
  const std::string& t = value(key).text;
  if (t.empty()) return {};
  fs::path p(t);
  return (p.is_absolute() ? p : root_ / p).lexically_normal();
}

std::vector<std::pair<const Setting*, const Value*>> Config::all() const {
  std::vector<std::pair<const Setting*, const Value*>> out;
  for (const auto& s : settings()) out.emplace_back(&s, &value(s.key));
  return out;
}

}  // namespace boutique::core
