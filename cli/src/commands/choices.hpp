#pragma once
// The fixed value lists of the command line, in one place: CLI11 checks them (one_of) and
// `boutique completion` offers them (values_of), so the two cannot drift. Options whose values
// are paths or overlays say so by their type name (kFile, kDir, kOverlay), which the help shows.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace boutique::commands::choices {

inline const std::vector<std::string> kTargets{"local", "compose", "k8s"};
inline const std::vector<std::string> kEngines{"auto", "docker", "podman"};
inline const std::vector<std::string> kOutputs{"table", "json"};
inline const std::vector<std::string> kComponents{"db", "api", "web"};  // up, logs
inline const std::vector<std::string> kImages{"api", "web"};            // build
inline const std::vector<std::string> kShells{"bash", "zsh", "fish"};   // completion
// `boutique completion --list KIND`: values found at completion time, not fixed.
inline const std::vector<std::string> kLists{"overlays"};

// Type names (CLI11's type_name) that tell the completion what a value is.
inline constexpr const char* kFile = "FILE";
inline constexpr const char* kDir = "DIR";
inline constexpr const char* kOverlay = "OVERLAY";  // a directory name under manifests/overlays

// A value must be one of `values` (CLI11 IsMember; help shows TEXT:{a,b}).
CLI::Validator one_of(const std::vector<std::string>& values);
// Offers `values` in help and completion but accepts anything: the command checks it itself
// (with its own message and exit code).
CLI::Validator suggests(const std::vector<std::string>& values);
// The values one_of or suggests attached to `opt`; empty when neither did.
std::vector<std::string> values_of(CLI::Option& opt);
// The type name of `opt` without CLI11's validator suffix (":{a,b}"): "TEXT", "FILE", ...
std::string type_of(const CLI::Option& opt);

}  // namespace boutique::commands::choices
