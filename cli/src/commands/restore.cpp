#include "commands/restore.hpp"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/backup.hpp"
#include "commands/choices.hpp"
#include "core/errors.hpp"
#include "targets/confirm.hpp"
#include "targets/target.hpp"

namespace fs = std::filesystem;

namespace boutique::commands {

CLI::App* setup_restore(CLI::App& app, RestoreOptions& opts) {
  auto* sub = app.add_subcommand(
      "restore", "Replace the running stack's data with a `boutique backup` archive (asks first)");
  sub->add_option("file", opts.file, "The archive (written by `boutique backup` or pg_dump -Fc)")
      ->required()
      ->type_name(choices::kFile);
  sub->add_flag("-y,--yes", opts.yes, "Do not ask before replacing the data (non-interactive use)");
  sub->footer(
      "All of the database's current data is replaced, in one transaction: on any failure the\n"
      "previous data stays. An archive of a newer schema than the API expects is refused (exit\n"
      "3); after an older one the API's migrations are applied. The API's caches are told\n"
      "(NOTIFY produits_changed). Without a terminal, --yes is required (exit 8 otherwise).\n\n"
      "Examples:\n  boutique restore boutique-local-20261203T2110Z-v006.dump\n"
      "  boutique restore before-upgrade.dump --yes");
  return sub;
}

int run_restore(const RestoreOptions& opts, core::Context& ctx) {
  const fs::path file = fs::absolute(opts.file);
  if (!fs::is_regular_file(file) || ::access(file.c_str(), R_OK) != 0)
    throw core::ConfigError(fmt::format("{}: no such readable file", opts.file));
  auto target = targets::make_target(ctx);
  auto db = backup::database_of(*target, "restore");
  db->attach();
  const auto contents = backup::read_contents(*db, opts.file);
  const int version = *contents.migration;
  const int expected = db->expected_migration();
  if (expected <= 0)
    throw core::MissingPrerequisite(
        "cannot tell which schema version the API expects (it does not answer, and "
        "api/migrations is not here)",
        "boutique up");
  if (version > expected)
    throw core::MissingPrerequisite(
        fmt::format("{} holds schema {}, newer than the {} this stack's API expects: not restored",
                    opts.file, backup::version_label(version), backup::version_label(expected)),
        "restore it on the Boutique version that made it (upgrade first), or choose an older "
        "archive");
  targets::confirm(
      fmt::format("Replace all data of {} with {} (schema {}: {})?", db->describe(), opts.file,
                  backup::version_label(version), backup::rows_summary(contents)),
      "nothing restored", opts.yes,
      fmt::format("refusing to replace {} without confirmation", db->describe()));
  {
    auto step = ctx.progress->step(fmt::format("Restoring {}", opts.file));
    db->replace_with(file);
    step.done(backup::rows_summary(contents));
  }
  const bool migrate = version < expected;
  if (migrate) {
    auto step = ctx.progress->step(fmt::format("Migrating the schema from {} to {}",
                                               backup::version_label(version),
                                               backup::version_label(expected)));
    db->migrate();
    step.done();
  }

  if (ctx.format == core::Format::json) {
    ctx.print(nlohmann::json{{"target", target->name()},
                             {"file", file.string()},
                             {"archive_migration", version},
                             {"migration", migrate ? expected : version},
                             {"migrated", migrate},
                             {"rows", backup::rows_json(contents)}}
                  .dump(2) +
              "\n");
    return 0;
  }
  ctx.print(fmt::format("Restored {} into {} (schema {}{}): {}.\n", file.string(), db->describe(),
                        backup::version_label(version),
                        migrate ? ", migrated to " + backup::version_label(expected) : "",
                        backup::rows_summary(contents)));
  return 0;
}

}  // namespace boutique::commands
