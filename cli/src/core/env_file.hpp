#pragma once
// KEY=VALUE files: Compose's .env, kustomize's secretGenerator `envs:` (postgres.dev.env).
#include <filesystem>
#include <optional>
#include <string>

namespace boutique::core {

// The value of `key` in `file`: the last `KEY=VALUE` line for it (`export ` and surrounding quotes
// stripped, `#` lines ignored); nullopt when the file or the key is missing.
std::optional<std::string> env_file_value(const std::filesystem::path& file,
                                          const std::string& key);

}  // namespace boutique::core
