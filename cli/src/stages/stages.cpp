#include "stages/stages.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/output.hpp"
#include "core/process.hpp"

namespace boutique::stages {
namespace {

// Lower case; spaces and '_' become '-': "Build Images", "build_images" -> "build-images".
std::string normalise(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '_')
      out += '-';
    else
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// An attribute value: parsers turn a literal tab or newline there into a space (XML 1.0, 3.3.3).
std::string xml_attr(const std::string& s) {
  std::string out;
  for (char c : core::xml_escape(s)) {
    if (c == '\t')
      out += "&#9;";
    else if (c == '\n')
      out += "&#10;";
    else if (c == '\r')
      out += "&#13;";
    else
      out += c;
  }
  return out;
}

std::string valid_names() {
  std::vector<std::string> names;
  for (const auto& s : stages()) names.push_back(fmt::format("'{}' ({})", s.name, s.slug));
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

const std::vector<Stage>& stages() {
  static const std::vector<Stage> all = {
      {StageId::checkout, "Checkout", "checkout"},
      {StageId::build_images, "Build Images", "build-images"},
      {StageId::infrastructure_check, "Infrastructure Check", "infrastructure-check"},
      {StageId::deploy, "Deploy to K8s", "deploy-to-k8s"},
      {StageId::validation, "Validation", "validation"},
  };
  return all;
}

const Stage& stage(StageId id) {
  for (const auto& s : stages())
    if (s.id == id) return s;
  throw std::logic_error("unknown stage id");
}

StagePlan plan_stage(StageId id, const TargetTraits& target, const std::string& status_report) {
  switch (id) {
    case StageId::checkout:
      // Jenkins checks out and runs `make build` first; here the sources are the project and
      // the CLI is this binary: the stage reports which build runs the pipeline.
      return {{"version"}, {}};
    case StageId::build_images:
      if (!target.runs_images)
        return {
            {},
            "the " + target.name + " target runs the native binaries that make builds: no images"};
      return {{"build"}, {}};
    case StageId::infrastructure_check:
      return {{"doctor"}, {}};
    case StageId::deploy:
      // Kubernetes: apply and wait for the rollouts. Elsewhere the target's `up` is the deploy:
      // it starts what is not running and restarts an API whose binary was rebuilt (local) or
      // whose image changed (compose).
      return {{target.deploys ? "deploy" : "up"}, {}};
    case StageId::validation:
      if (status_report.empty()) return {{"status"}, {}};
      return {{"status", "--junit", status_report}, {}};
  }
  throw std::logic_error("unknown stage id");
}

std::string command_line(const std::vector<std::string>& argv) {
  std::vector<std::string> all = {"boutique"};
  all.insert(all.end(), argv.begin(), argv.end());
  return core::display(all);
}

const Stage& find_stage(std::string_view name) {
  const std::string want = normalise(name);
  if (!want.empty()) {
    for (const auto& s : stages())
      if (want == s.slug) return s;
    const Stage* found = nullptr;
    int matches = 0;
    for (const auto& s : stages())
      if (s.slug.substr(0, want.size()) == want) {
        found = &s;
        ++matches;
      }
    if (matches == 1) return *found;
  }
  throw core::ConfigError(fmt::format("unknown stage '{}': the stages are {}", name, valid_names()),
                          "any case; spaces, '-' or '_'; or a unique prefix: --from deploy, "
                          "--only build-images");
}

std::vector<bool> select_stages(const std::string& from, const std::string& only) {
  const auto& all = stages();
  if (!from.empty() && !only.empty())
    throw core::ConfigError(
        "--from and --only cannot be used together",
        "--from STAGE runs it and the stages after it; --only STAGE runs it alone");
  std::vector<bool> selected(all.size(), from.empty() && only.empty());
  if (!only.empty()) {
    const Stage& s = find_stage(only);
    for (std::size_t i = 0; i < all.size(); ++i) selected[i] = all[i].id == s.id;
  } else if (!from.empty()) {
    const Stage& s = find_stage(from);
    bool on = false;
    for (std::size_t i = 0; i < all.size(); ++i) selected[i] = on = on || all[i].id == s.id;
  }
  return selected;
}

std::string_view outcome_name(StageResult::Outcome o) {
  switch (o) {
    case StageResult::Outcome::passed:
      return "ok";
    case StageResult::Outcome::failed:
      return "FAILED";
    case StageResult::Outcome::skipped:
      return "SKIPPED";
    case StageResult::Outcome::not_run:
      return "not run";
  }
  return "?";
}

std::string format_duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  const long s = std::lround(seconds);
  return fmt::format("{} min {:02} s", s / 60, s % 60);
}

std::string render_stage_view(const std::vector<StageResult>& results, bool color) {
  std::vector<std::vector<core::Cell>> rows;
  for (const auto& r : results) {
    const char* c = r.outcome == StageResult::Outcome::passed    ? core::ansi::green
                    : r.outcome == StageResult::Outcome::failed  ? core::ansi::red
                    : r.outcome == StageResult::Outcome::skipped ? core::ansi::yellow
                                                                 : core::ansi::dim;
    const bool ran =
        r.outcome == StageResult::Outcome::passed || r.outcome == StageResult::Outcome::failed;
    rows.push_back({{std::string(r.stage->name)},
                    {std::string(outcome_name(r.outcome)), c},
                    {ran ? format_duration(r.seconds) : "-"},
                    {r.detail}});
  }
  return core::render_table({"STAGE", "RESULT", "DURATION", "DETAIL"}, rows, color);
}

std::string render_stage_junit(const std::vector<StageResult>& results, const std::string& target) {
  using O = StageResult::Outcome;
  const std::string suite = xml_attr("boutique.pipeline." + target);
  auto count = [&](O o) {
    return std::count_if(results.begin(), results.end(),
                         [o](const StageResult& r) { return r.outcome == o; });
  };
  const double total =
      std::accumulate(results.begin(), results.end(), 0.0,
                      [](double t, const StageResult& r) { return t + r.seconds; });
  const auto failures = count(O::failed);
  const auto skipped = count(O::skipped) + count(O::not_run);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                     results.size(), failures, skipped, total);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n",
      suite, results.size(), failures, skipped, total);
  for (const auto& r : results) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n", suite,
                       xml_attr(std::string(r.stage->name)), r.seconds);
    switch (r.outcome) {
      case O::passed:
        out += fmt::format("      <system-out>{}</system-out>\n",
                           core::xml_escape(r.command + "\n" + r.detail));
        break;
      case O::failed:
        out += fmt::format(
            "      <failure message=\"{}\" type=\"exit {}\">{}</failure>\n", xml_attr(r.detail),
            r.exit_code,
            core::xml_escape(fmt::format("{}\nexit code {}: {}{}", r.command, r.exit_code, r.detail,
                                         r.hint.empty() ? "" : "\nhint: " + r.hint)));
        break;
      case O::skipped:
      case O::not_run:
        out += fmt::format("      <skipped message=\"{}\"/>\n", xml_attr(r.detail));
        break;
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace boutique::stages
