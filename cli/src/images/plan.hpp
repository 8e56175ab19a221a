#pragma once
// What `boutique build` builds and how the images are named: pure functions over the
// configuration and the git checkout (unit-tested without any engine).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/process.hpp"
#include "images/engine.hpp"

namespace boutique::images {

struct GitInfo {
  std::string sha;     // git rev-parse --short=12 HEAD
  bool dirty = false;  // tracked files changed (as cmake/GenerateBuildInfo.cmake decides)
  std::string source;  // `git remote get-url origin`, empty when none
};
// nullopt when `root` is not a git checkout.
std::optional<GitInfo> git_info(core::ProcessRunner& runner, const std::filesystem::path& root);

// The tag of this build: images.tag when set, else <sha> or <sha>-dirty.
struct TagPlan {
  std::string tag;
  bool dirty = false;
  std::string revision;  // REVISION build arg (what /api/info reports)
  std::string source;
};
TagPlan plan_tag(const core::Config& cfg, const std::optional<GitInfo>& git);

// "name:tag", or "registry/name:tag" with a registry.
std::string image_ref(const std::string& registry, const std::string& name, const std::string& tag);

struct ImageDef {
  std::string component;  // api | web
  std::string name;       // images.api / images.web
  std::filesystem::path dockerfile, context;
  std::string target;  // frontend: web | web-dist
};
// The API and frontend images; the frontend's target from images.web_target (auto: web-dist for
// podman, which has no node:20 image here; web for docker).
std::vector<ImageDef> image_defs(const core::Config& cfg, EngineKind engine);

// Every tag an image gets: <name>:<tag>, <name>:latest, and the same under the registry.
std::vector<std::string> all_refs(const core::Config& cfg, const std::string& name,
                                  const std::string& tag);

// Base images a Dockerfile starts from (FROM lines that are not an earlier stage nor an ${ARG}).
std::vector<std::string> base_images(const std::string& dockerfile_text);

}  // namespace boutique::images
