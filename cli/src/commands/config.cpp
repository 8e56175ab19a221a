#include "commands/config.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/output.hpp"
#include "targets/target.hpp"

namespace boutique::commands {
namespace {

struct Row {
  std::string key, value, source, origin;
};

constexpr const char* kRedacted = "******** (--show-secrets)";

// Secrets are not settings: each target says where its own come from (its state, the environment,
// a file the stack reads).
std::vector<Row> secret_rows(core::Context& ctx, bool show) {
  std::vector<Row> rows;
  for (const auto& s : targets::make_target(ctx)->secrets())
    rows.push_back({s.key, !show && !s.value.empty() ? kRedacted : s.value, s.source, s.origin});
  return rows;
}

}  // namespace

CLI::App* setup_config(CLI::App& app, ConfigOptions& opts) {
  auto* sub = app.add_subcommand(
      "config", "Print the effective configuration and where each value comes from");
  sub->add_flag("--show-secrets", opts.show_secrets, "Print passwords instead of redacting them");
  sub->footer(
      "Precedence: flags > BOUTIQUE_* environment > boutique.yaml > built-in defaults.\n\n"
      "Examples:\n  boutique config\n  boutique config --show-secrets\n"
      "  BOUTIQUE_API_PORT=5050 boutique config -o json");
  return sub;
}

int run_config(const ConfigOptions& opts, core::Context& ctx) {
  std::vector<Row> rows;
  for (const auto& [s, v] : ctx.config.all())
    rows.push_back({std::string(s->key), v->text.empty() ? "(auto)" : v->text,
                    std::string(core::to_string(v->source)), v->origin});
  auto secrets = secret_rows(ctx, opts.show_secrets);
  rows.insert(rows.end(), secrets.begin(), secrets.end());
  const std::string file = ctx.config.file() ? ctx.config.file()->string() : "";
  const auto& deprecated = ctx.config.deprecated();
  if (ctx.format == core::Format::json) {
    nlohmann::json settings = nlohmann::json::object();
    for (const auto& r : rows)
      settings[r.key] = {{"value", r.value}, {"source", r.source}, {"origin", r.origin}};
    nlohmann::json old = nlohmann::json::array();
    for (const auto& d : deprecated)
      old.push_back({{"name", d.old_key}, {"use", d.key}, {"origin", d.origin}});
    ctx.print(nlohmann::json{{"file", file.empty() ? nlohmann::json() : nlohmann::json(file)},
                             {"root", ctx.config.root().string()},
                             {"settings", settings},
                             {"deprecated", old}}
                  .dump(2) +
              "\n");
    return 0;
  }
  std::vector<std::vector<core::Cell>> cells;
  for (const auto& r : rows)
    cells.push_back({{r.key},
                     {r.value},
                     {r.source, r.source == "default" ? core::ansi::dim : nullptr},
                     {r.origin}});
  std::string out =
      fmt::format("config file: {}\nproject root: {}\n\n",
                  file.empty() ? "(none: built-in defaults)" : file, ctx.config.root().string());
  out += core::render_table({"KEY", "VALUE", "SOURCE", "FROM"}, cells, ctx.color);
  if (!deprecated.empty()) {
    out += "\nOld setting names (they still work; rename them):\n";
    for (const auto& d : deprecated)
      out += fmt::format("  {}: {} is now {}\n", d.origin, d.old_key, d.key);
  }
  ctx.print(out);
  return 0;
}

}  // namespace boutique::commands
