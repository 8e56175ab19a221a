#pragma once
// boutique.yaml + BOUTIQUE_* environment + command-line flags -> the effective configuration.
// Precedence: flags > environment > file > built-in defaults. Every setting is described once in
// settings() (key, environment variable, type, default, help); the parser, the `config` command and
// docs/cli.md all follow that table.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boutique::core {

enum class Kind { string, integer, boolean, path, duration };
enum class Source { defaults, file, env, flag };
std::string_view to_string(Source s);

struct Setting {
  std::string_view key;  // dotted: "ports.api" is `ports: {api: ...}` in the file
  std::string_view env;  // BOUTIQUE_* variable, empty when there is none
  Kind kind;
  std::string_view def;  // built-in default, as text
  std::string_view help;
};

// A setting's former name, still read (with a note in `boutique config`).
struct Alias {
  std::string_view old_key, key;
};
struct Deprecated {
  std::string old_key, key, origin;  // origin: where the old name was written (boutique.yaml:3)
};

struct Value {
  std::string text;
  Source source = Source::defaults;
  std::string origin;  // "boutique.yaml:12", "BOUTIQUE_API_PORT", "--target" or "built-in"
};

// What load() reads besides the file: injectable so tests never touch the real environment.
struct LoadInputs {
  std::optional<std::filesystem::path> file;  // --config: must exist
  bool discover = true;                       // else look for ./boutique.yaml in cwd
  std::filesystem::path cwd = std::filesystem::current_path();
  std::function<std::optional<std::string>(const std::string&)> getenv;  // null: real environment
  std::map<std::string, std::string> flags;  // setting key -> value given on the command line
};

class Config {
 public:
  static const std::vector<Setting>& settings();
  static const Setting& setting(std::string_view key);  // throws std::logic_error if unknown
  static const std::vector<Alias>& aliases();
  // The setting of `key` or of an old name of it; nullptr when unknown.
  static const Setting* find_setting(std::string_view key);

  static Config load(const LoadInputs& in);
  // Parses YAML text as if read from `filename` (errors name that file); then env and flags.
  static Config from_text(const std::string& yaml, const std::string& filename,
                          const LoadInputs& in);

  const Value& value(std::string_view key) const;
  const std::string& str(std::string_view key) const { return value(key).text; }
  int integer(std::string_view key) const;
  bool boolean(std::string_view key) const;
  // Relative paths are resolved against root(); empty stays empty.
  std::filesystem::path path(std::string_view key) const;

  // Directory of the config file when there is one, else the working directory.
  const std::filesystem::path& root() const { return root_; }
  const std::optional<std::filesystem::path>& file() const { return file_; }
  std::vector<std::pair<const Setting*, const Value*>> all() const;
  // Old names (aliases()) the config file used.
  const std::vector<Deprecated>& deprecated() const { return deprecated_; }

 private:
  void apply_defaults();
  void apply_yaml(const std::string& text, const std::string& filename);
  void apply_env_and_flags(const LoadInputs& in);
  void set(const Setting& s, std::string text, Source src, std::string origin,
           const std::string& where_for_errors);
  void validate() const;

  std::map<std::string, Value, std::less<>> values_;
  std::filesystem::path root_;
  std::optional<std::filesystem::path> file_;
  std::vector<Deprecated> deprecated_;
};

// Parses a boolean written as true/false, yes/no, on/off, 1/0 (case-insensitive).
std::optional<bool> parse_bool(std::string_view s);
std::optional<long> parse_int(std::string_view s);
// A duration, the one syntax of every timeout (flags and settings): 90, 90s, 5m or 1h, more than 0
// and at most a day. Seconds; nullopt otherwise.
std::optional<long> parse_duration(std::string_view s);
// parse_duration for the option or setting `name`: ConfigError (exit 2) naming it otherwise.
long require_duration(std::string_view s, std::string_view name);

}  // namespace boutique::core
