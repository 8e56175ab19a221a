#pragma once
// The state directory (docs/cli.md, "State directory"): what `boutique` keeps for a checkout,
// shared by every target — the local target's parts at its top (targets/local/layout.hpp),
// compose's in <state>/compose/ — and the secrets kept there, read or made in one way.
#include <filesystem>
#include <optional>
#include <string>

#include "core/config.hpp"

namespace boutique::state {

// The configured state directory (state_dir), absolute and normalised.
std::filesystem::path state_dir(const core::Config& cfg);

// The marker `down --volumes` requires before deleting a state directory it did not create.
inline std::filesystem::path marker(const std::filesystem::path& dir) {
  return dir / ".boutique-state";
}
// Creates the state directory `dir` private (0700, or 0711: see make_private_dir) with its marker.
void create_state_dir(const std::filesystem::path& dir, bool others_traverse);

// Creates `dir` (and its parents) and sets its mode to 0700, or 0711 when other accounts must
// traverse it (never list it).
void make_private_dir(const std::filesystem::path& dir, bool others_traverse);

// A secret kept in `file` (one line, mode 0600): its value, nullopt when the file is missing or
// empty.
std::optional<std::string> read_secret(const std::filesystem::path& file);
// The stored secret; stores `preset` (or a new random one) when there is none yet, creating the
// file's directory private (0700).
std::string ensure_secret(const std::filesystem::path& file,
                          const std::optional<std::string>& preset);

// A secret a target keeps or hands to the stack, as `boutique config --show-secrets` shows it.
struct Secret {
  std::string key;     // admin.password, database.password
  std::string value;   // empty: none yet
  std::string source;  // state | env | .env | default | manifest
  std::string origin;  // the file, the variable, or when it will be made
};
// `key` from `file` when stored there, else from the environment variable `env` (may be null),
// else empty with `otherwise` as its origin.
Secret stored_or_env(const std::string& key, const std::filesystem::path& file, const char* env,
                     const std::string& otherwise);

}  // namespace boutique::state
