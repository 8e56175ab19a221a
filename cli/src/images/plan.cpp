#include "images/plan.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::images {

std::optional<GitInfo> git_info(core::ProcessRunner& runner, const fs::path& root) {
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", root.string()});
    return runner.run({args, {}, {}, 30s, {}});
  };
  core::Result head;
  try {
    head = git({"rev-parse", "--short=12", "HEAD"});
  } catch (const core::ProgramNotFound&) {
    return std::nullopt;  // no git: not a checkout as far as we can tell
  }
  if (!head.ok()) return std::nullopt;
  GitInfo g;
  g.sha = core::tail_lines(head.out, 1);
  auto st = git({"status", "--porcelain", "--untracked-files=no"});
  core::require_ok(st, {"git", "-C", root.string(), "status", "--porcelain"});
  g.dirty = st.out.find_first_not_of(" \n") != std::string::npos;
  auto origin = git({"remote", "get-url", "origin"});
  if (origin.ok()) g.source = core::tail_lines(origin.out, 1);
  return g;
}

TagPlan plan_tag(const core::Config& cfg, const std::optional<GitInfo>& git) {
  TagPlan p;
  if (git) {
    p.dirty = git->dirty;
    p.revision = git->sha + (git->dirty ? "-dirty" : "");
    p.source = git->source;
  }
  const std::string& configured = cfg.str("images.tag");
  if (!configured.empty()) {
    p.tag = configured;
    if (p.revision.empty()) p.revision = configured;
    return p;
  }
  if (!git)
    throw core::ConfigError(
        fmt::format("{} is not a git checkout: images are tagged with the commit",
                    cfg.root().string()),
        "set images.tag (BOUTIQUE_IMAGE_TAG), or run from the project's checkout");
  p.tag = p.revision;
  return p;
}

std::string image_ref(const std::string& registry, const std::string& name,
                      const std::string& tag) {
  return (registry.empty() ? name : registry + "/" + name) + ":" + tag;
}

std::vector<ImageDef> image_defs(const core::Config& cfg, EngineKind engine) {
  const fs::path root = cfg.root();
  std::string web_target = cfg.str("images.web_target");
  if (web_target == "auto") web_target = engine == EngineKind::podman ? "web-dist" : "web";
  return {
      {"api", cfg.str("images.api"), root / "api" / "Dockerfile", root, ""},
      {"web", cfg.str("images.web"), root / "frontend" / "Dockerfile", root / "frontend",
       web_target},
  };
}

std::vector<std::string> all_refs(const core::Config& cfg, const std::string& name,
                                  const std::string& tag) {
  std::vector<std::string> out;
  const std::string& registry = cfg.str("images.registry");
  for (const std::string& reg : {std::string(), registry}) {
    if (!out.empty() && reg.empty()) break;  // no registry: local names only
    for (const std::string& t : {tag, std::string("latest")}) {
      std::string ref = image_ref(reg, name, t);
      if (std::find(out.begin(), out.end(), ref) == out.end()) out.push_back(ref);
    }
  }
  return out;
}

std::vector<std::string> base_images(const std::string& text) {
  std::vector<std::string> out;
  std::set<std::string> stages;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kw, image, as, stage;
    words >> kw;
    std::transform(kw.begin(), kw.end(), kw.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (kw != "FROM") continue;
    while (words >> image && image.rfind("--", 0) == 0) {
    }  // skip --platform=...
    if (words >> as >> stage) {
      std::transform(stage.begin(), stage.end(), stage.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      stages.insert(stage);
    }
    if (image.empty() || image.find('$') != std::string::npos || stages.count(image) ||
        image == "scratch")
      continue;
    if (std::find(out.begin(), out.end(), image) == out.end()) out.push_back(image);
  }
  return out;
}

}  // namespace boutique::images
