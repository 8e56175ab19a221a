#pragma once
// `boutique build`: the API and frontend images from the project's Dockerfiles, tagged with the
// commit (<sha>, or <sha>-dirty with uncommitted changes), `latest` and the registry prefix.
// An image that already exists for a clean commit is not rebuilt (unless forced); a dirty tree is
// always rebuilt. Also used by `up --target compose` (same rules) and, later, the k8s target.
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "images/engine.hpp"
#include "images/plan.hpp"

namespace boutique::images {

struct BuildRequest {
  std::vector<std::string> components;  // api, web; empty: both
  bool force = false;
  bool push = false;
};

struct BuiltImage {
  std::string component, ref;     // ref: <name>:<tag>
  std::vector<std::string> refs;  // every tag it carries
  bool built = false;             // false: it existed for this commit (skipped)
  double seconds = 0;
  long long size = 0;
  std::vector<std::string> pushed;
  std::string digest;  // of what was pushed (sha256:…), when the engine said it
};

struct BuildReport {
  EngineKind engine;
  std::string tag;
  bool dirty = false;
  std::vector<BuiltImage> images;
};

class Builder {
 public:
  Builder(core::Context& ctx, Engine& engine) : ctx_(ctx), engine_(engine) {}
  // Throws ConfigError (--push without images.registry: before building anything),
  // MissingPrerequisite (podman's base image, npm), CommandFailed (a build, with its last lines).
  BuildReport build(const BuildRequest& req);
  // What the frontend image needs when its target is web-dist: frontend/dist, built when stale.
  void prepare_context(const ImageDef& def);

 private:
  void require_bases(const ImageDef& def);
  BuiltImage build_one(const ImageDef& def, const TagPlan& plan, bool force);

  core::Context& ctx_;
  Engine& engine_;
};

// The digest `build --push` pushed `ref` (registry/name:tag) with from this checkout, kept in
// <state>/images/pushed.json: what the k8s target deploys to a registry cluster, so that a
// re-pushed tag still means exactly the build that was pushed.
std::optional<std::string> pushed_digest(const core::Config& cfg, const std::string& ref);

// One row per image: IMAGE, RESULT, SIZE, TAGS (or JSON with -o json).
std::string render_build_report(const BuildReport& r, bool json, bool color);

}  // namespace boutique::images
