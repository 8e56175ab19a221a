#pragma once
// `boutique backup [FILE]`: a pg_dump custom-format archive of the shop's database, from the
// running stack of any target that has the capability (targets/database.hpp). The rules shared
// with `boutique restore` — what an archive holds, its default name — live here too.
#include <CLI/CLI.hpp>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/context.hpp"
#include "targets/target.hpp"

namespace boutique::commands {

struct BackupOptions {
  std::string file;  // empty: boutique-<target>-<UTC time>-v<NNN>.dump in the current directory
};
CLI::App* setup_backup(CLI::App& app, BackupOptions& opts);
int run_backup(const BackupOptions& opts, core::Context& ctx);

namespace backup {

// The tables whose rows backup and restore count, and the table of schema versions.
inline const std::vector<std::string> kCountedTables{"produits", "utilisateurs", "commandes"};
inline constexpr const char* kMigrationsTable = "schema_migrations";

// What an archive holds, read from pg_restore's data text (COPY blocks) of the tables above.
struct Contents {
  std::optional<int> migration;  // max(version) of schema_migrations; nullopt: no such table
  std::vector<std::pair<std::string, long long>> rows;  // the counted tables the archive has
};
Contents parse_contents(std::string_view data_sql);
// The contents of `file` through `db`; ConfigError (exit 2) with one line when it is not a
// pg_dump custom-format archive, or not one of the shop's database (no schema_migrations).
Contents read_contents(targets::Database& db, const std::string& file);
// The tables in the archive to read for parse_contents.
std::vector<std::string> tables_to_read();

// "boutique-local-20261203T2110Z-v006.dump": the target, the UTC time (to the minute), the schema.
std::string default_file_name(const std::string& target, std::time_t when, int migration);
// "v006"
std::string version_label(int migration);
// "24 produits, 3 utilisateurs, 1 commandes"
std::string rows_summary(const Contents& contents);
// {"produits": 24, "utilisateurs": 3, "commandes": 1}
nlohmann::json rows_json(const Contents& contents);
// "48.2 kB" (10^3 multiples, as `build` prints MB)
std::string human_bytes(unsigned long long bytes);

// The target's database capability; NotImplemented (exit 7) naming `command` and the target when
// it has none in this version.
std::unique_ptr<targets::Database> database_of(targets::Target& target, const std::string& command);

}  // namespace backup
}  // namespace boutique::commands
