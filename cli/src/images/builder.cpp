#include "images/builder.hpp"

#include <boutique/build_info.hpp>

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/output.hpp"
#include "core/users.hpp"
#include "state/state_dir.hpp"
#include "ui/build.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace boutique::images {
namespace {

// The end of a failed build: the step that ran (stdout) and the error (stderr). BuildKit writes
// everything to stderr; podman writes the steps to stdout and the error to stderr.
std::string last_build_lines(const core::Result& r) {
  std::string out = core::tail_lines(r.out, 15);
  std::string err = core::tail_lines(r.err, 10);
  if (out.empty()) return err;
  return err.empty() ? out : out + "\n" + err;
}

std::string build_hint(const core::Result& r, const fs::path& log) {
  const std::string all = r.out + r.err;
  std::string hint = "full output: " + log.string();
  if (all.find("error setting rlimit") != std::string::npos)
    hint += "; podman here needs lowered ulimits and runc: eval \"$(scripts/podman-env.sh env)\"";
  else if (all.find("image not known") != std::string::npos)
    hint += "; a base image is missing: `boutique doctor --target compose` says which";
  return hint;
}

}  // namespace

void Builder::prepare_context(const ImageDef& def) {
  if (def.target == "web-dist") {
    ui::build_ui_if_stale(ctx_, def.context);
    if (!fs::exists(def.context / "dist" / "index.html"))
      throw core::MissingPrerequisite(
          fmt::format("{} has no built UI (dist/index.html), needed by the web-dist target",
                      def.context.string()),
          "cd frontend && ../scripts/node-env.sh npm ci && ../scripts/node-env.sh npm run build "
          "(or images.web_target: web)");
  }
}

void Builder::require_bases(const ImageDef& def) {
  if (engine_.kind() != EngineKind::podman) return;  // docker pulls what it lacks
  auto text = core::read_text(def.dockerfile);
  if (!text)
    throw core::MissingPrerequisite(def.dockerfile.string() + " is missing",
                                    "run boutique from the project's checkout");
  for (const auto& base : base_images(*text)) {
    if (engine_.image_size(base)) continue;
    std::string hint = base.rfind("debian:", 0) == 0
                           ? "scripts/podman-env.sh base  (no registry: a debootstrapped image, "
                             "≈1 min once), or `podman pull docker.io/library/" +
                                 base + "` where a registry is reachable"
                           : "podman pull " + base;
    throw core::MissingPrerequisite(
        fmt::format("the base image {} of {} is not in podman's image store (builds run with "
                    "--pull=never)",
                    base, def.dockerfile.lexically_relative(ctx_.config.root()).string()),
        hint);
  }
}

BuiltImage Builder::build_one(const ImageDef& def, const TagPlan& plan, bool force) {
  BuiltImage img;
  img.component = def.component;
  img.ref = image_ref("", def.name, plan.tag);
  img.refs = all_refs(ctx_.config, def.name, plan.tag);
  if (!plan.dirty && !force) {
    if (auto size = engine_.image_size(img.ref)) {
      for (const auto& r : img.refs)
        if (r != img.ref) engine_.tag(img.ref, r);  // `latest` follows the current commit
      img.size = *size;
      return img;
    }
  }
  prepare_context(def);
  require_bases(def);
  BuildSpec spec{def.dockerfile.string(), def.context.string(), def.target, img.refs, {}};
  spec.args = {{"VERSION", build::version()}, {"REVISION", plan.revision}};
  if (!plan.source.empty()) spec.args["SOURCE"] = plan.source;
  const auto argv = engine_.build_argv(spec);
  // The build's log in the state directory's logs/, beside the local target's.
  const fs::path state = state::state_dir(ctx_.config);
  state::create_state_dir(state, core::is_root());
  state::make_private_dir(state / "logs", false);
  const fs::path log = state / "logs" / ("build-" + def.component + ".log");
  auto step = ctx_.progress->step(fmt::format("Building {} ({})", img.ref, engine_.program()));
  const auto t0 = Clock::now();
  auto r = ctx_.runner->run({argv, {}, ctx_.config.root(), std::chrono::minutes(60), {}});
  img.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  core::write_text(log, "$ " + core::display(argv) + "\n" + r.out + r.err);
  if (!r.ok()) {
    step.fail(r.describe());
    std::string msg =
        fmt::format("building {} failed ({}): {}", img.ref, engine_.program(), r.describe());
    std::string tail = last_build_lines(r);
    if (!tail.empty()) msg += "\nLast lines of the build:\n" + tail;
    if (r.timed_out) throw core::TimeoutError(msg, build_hint(r, log));
    throw core::CommandFailed(msg, build_hint(r, log));
  }
  img.built = true;
  img.size = engine_.image_size(img.ref).value_or(0);
  step.done(fmt::format("{:.0f} s, {}", img.seconds, human_size(img.size)));
  return img;
}

namespace {

std::filesystem::path pushed_file(const core::Config& cfg) {
  return state::state_dir(cfg) / "images" / "pushed.json";
}

nlohmann::json read_pushed(const core::Config& cfg) {
  const auto text = core::read_text(pushed_file(cfg));
  auto j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json::object();
  return j.is_object() ? j : nlohmann::json::object();  // unreadable: as if nothing was pushed
}

void record_pushed(const core::Config& cfg, const std::string& ref, const std::string& digest) {
  auto j = read_pushed(cfg);
  j[ref] = digest;
  core::write_text(pushed_file(cfg), j.dump(2) + "\n");
}

}  // namespace

std::optional<std::string> pushed_digest(const core::Config& cfg, const std::string& ref) {
  const auto j = read_pushed(cfg);
  const auto it = j.find(ref);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return manifest_digest(it->get<std::string>());
}

BuildReport Builder::build(const BuildRequest& req) {
  const std::string& registry = ctx_.config.str("images.registry");
  if (req.push && registry.empty())
    throw core::ConfigError(
        "--push needs a registry, and images.registry is empty",
        "set images.registry in boutique.yaml or BOUTIQUE_REGISTRY (e.g. "
        "registry.example.com/boutique), then log in: docker|podman login <registry>");
  TagPlan plan = plan_tag(ctx_.config, git_info(*ctx_.runner, ctx_.config.root()));
  BuildReport report{engine_.kind(), plan.tag, plan.dirty, {}};
  for (const auto& def : image_defs(ctx_.config, engine_.kind())) {
    if (!req.components.empty() && std::find(req.components.begin(), req.components.end(),
                                             def.component) == req.components.end())
      continue;
    report.images.push_back(build_one(def, plan, req.force));
  }
  if (!req.push) return report;
  for (auto& img : report.images)
    for (const auto& ref : img.refs) {
      if (ref.rfind(registry + "/", 0) != 0) continue;
      auto step = ctx_.progress->step("Pushing " + ref);
      std::filesystem::create_directories(pushed_file(ctx_.config).parent_path());
      const auto digest = engine_.push(ref, pushed_file(ctx_.config).parent_path() / "digest");
      if (digest) {
        record_pushed(ctx_.config, ref, *digest);
        img.digest = *digest;
      }
      step.done(digest.value_or(""));
      img.pushed.push_back(ref);
    }
  return report;
}

std::string render_build_report(const BuildReport& r, bool json, bool color) {
  if (json) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& i : r.images)
      images.push_back({{"component", i.component},
                        {"image", i.ref},
                        {"tags", i.refs},
                        {"built", i.built},
                        {"seconds", i.seconds},
                        {"size_bytes", i.size},
                        {"pushed", i.pushed},
                        {"digest", i.digest}});
    return nlohmann::json{{"engine", to_string(r.engine)},
                          {"tag", r.tag},
                          {"dirty", r.dirty},
                          {"images", images}}
               .dump(2) +
           "\n";
  }
  std::vector<std::vector<core::Cell>> rows;
  for (const auto& i : r.images) {
    std::string result = i.built ? fmt::format("built in {:.0f} s", i.seconds)
                                 : "up to date (exists for this commit)";
    if (!i.pushed.empty()) result += ", pushed";
    std::vector<std::string> others;
    for (const auto& t : i.refs)
      if (t != i.ref) others.push_back(t);
    rows.push_back({{i.ref, color ? core::ansi::bold : nullptr},
                    {result, i.built ? core::ansi::green : core::ansi::dim},
                    {human_size(i.size)},
                    {fmt::format("{}", fmt::join(others, ", "))}});
  }
  std::string out = core::render_table({"IMAGE", "RESULT", "SIZE", "ALSO TAGGED"}, rows, color);
  out += fmt::format("engine: {}; tag {}{}\n", to_string(r.engine), r.tag,
                     r.dirty ? " (uncommitted changes: always rebuilt)" : "");
  return out;
}

}  // namespace boutique::images
