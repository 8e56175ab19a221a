#pragma once
// The stack's database as `boutique backup` and `boutique restore` need it: a capability of a
// Target (Target::database(), like its Deployer), reached by the commands, never by name. The
// commands own everything that is the same on every target — the file (its name, the temporary
// file next to it, its mode), what an archive holds (row counts, schema version), the version
// rule and the confirmation (commands/backup.hpp); a target only moves a pg_dump custom-format
// archive between a file and its PostgreSQL, and runs the API's migrations.
#include <filesystem>
#include <string>
#include <vector>

#include "core/process.hpp"

namespace boutique::targets {

// What pg_restore read from an archive.
struct ArchiveText {
  bool ok = false;
  std::string text;   // ok: pg_restore's SQL output
  std::string error;  // not ok: pg_restore's first error line (not an archive, truncated...)
};

class Database {
 public:
  virtual ~Database() = default;
  // "the local stack's database": the subject of messages and questions.
  virtual std::string describe() const = 0;
  // Checks that the database runs, and keeps other boutique commands from stopping it until this
  // object is destroyed (local: the state dir's lock). MissingPrerequisite (exit 3, hint
  // `boutique up`) when it is not running.
  virtual void attach() = 0;
  // pg_dump -Fc of the shop's database — one consistent snapshot, pg_dump's own transaction —
  // written into `file`, which exists, is empty and private (0600).
  virtual void dump_to(const std::filesystem::path& file) = 0;
  // The data of `tables` in the archive `file`, as pg_restore prints it (`COPY … FROM stdin;`,
  // one line per row, `\.`); tables the archive lacks are simply absent.
  virtual ArchiveText read_archive(const std::filesystem::path& file,
                                   const std::vector<std::string>& tables) = 0;
  // The schema version the stack's API expects: the running API's /api/info
  // (database.migration_expected), else the newest migration its sources ship. 0: unknown.
  virtual int expected_migration() = 0;
  // Replaces everything the application's role owns in the database with the archive's objects
  // and data, as that role, in one transaction which also sends NOTIFY produits_changed (the
  // API's caches): on any failure the previous data stays. CommandFailed with the cause.
  virtual void replace_with(const std::filesystem::path& file) = 0;
  // Applies the API's pending migrations (after restoring an older archive).
  virtual void migrate() = 0;
};

// The first line of a PostgreSQL client program's stderr that says what went wrong, without the
// program's prefix ("pg_restore: error: input file is too short" -> "input file is too short").
// Only that line: psql's CONTEXT lines quote the row being copied (a password hash).
std::string first_error(const core::Result& r);

// The script of a restore's one transaction: `reset` (what empties the database: it differs by
// role), the archive as SQL, then NOTIFY produits_changed for the API's change listeners,
// delivered at the commit. A lock held too long by someone else fails it instead of waiting.
std::string restore_transaction(const std::string& reset, const std::string& archive_sql);

}  // namespace boutique::targets
