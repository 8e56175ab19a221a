#include "commands/backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/choices.hpp"
#include "core/errors.hpp"
#include "core/interrupt.hpp"

namespace fs = std::filesystem;

namespace boutique::commands {
namespace backup {
namespace {

// "public.produits", "produits", "public.\"produits\"" -> produits
std::string table_name(std::string_view copy_line) {
  std::string_view rest = copy_line.substr(5);  // after "COPY "
  rest = rest.substr(0, rest.find_first_of(" ("));
  if (const auto dot = rest.rfind('.'); dot != std::string_view::npos) rest = rest.substr(dot + 1);
  std::string name(rest);
  name.erase(std::remove(name.begin(), name.end(), '"'), name.end());
  return name;
}

}  // namespace

Contents parse_contents(std::string_view sql) {
  Contents c;
  std::string table;  // inside a COPY block
  long long rows = 0;
  while (!sql.empty()) {
    const auto nl = sql.find('\n');
    const std::string_view line = sql.substr(0, nl);
    sql = nl == std::string_view::npos ? std::string_view{} : sql.substr(nl + 1);
    if (table.empty()) {
      if (line.rfind("COPY ", 0) == 0 && line.find("FROM stdin;") != std::string_view::npos) {
        table = table_name(line);
        rows = 0;
        if (table == kMigrationsTable) c.migration = 0;
      }
      continue;
    }
    if (line == "\\.") {
      if (std::find(kCountedTables.begin(), kCountedTables.end(), table) != kCountedTables.end())
        c.rows.emplace_back(table, rows);
      table.clear();
      continue;
    }
    ++rows;
    if (table == kMigrationsTable) {
      int version = 0;
      const auto field = line.substr(0, line.find('\t'));
      const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), version);
      if (ec == std::errc() && end == field.data() + field.size())
        c.migration = std::max(*c.migration, version);
    }
  }
  // In kCountedTables' order, whatever the archive's.
  std::sort(c.rows.begin(), c.rows.end(), [](const auto& a, const auto& b) {
    return std::find(kCountedTables.begin(), kCountedTables.end(), a.first) <
           std::find(kCountedTables.begin(), kCountedTables.end(), b.first);
  });
  return c;
}

std::vector<std::string> tables_to_read() {
  std::vector<std::string> t = kCountedTables;
  t.emplace_back(kMigrationsTable);
  return t;
}

Contents read_contents(targets::Database& db, const std::string& file) {
  const auto text = db.read_archive(file, tables_to_read());
  if (!text.ok)
    throw core::ConfigError(
        fmt::format("{} is not a pg_dump custom-format archive ({})", file, text.error),
        "give a file written by `boutique backup` (or `pg_dump -Fc`)");
  auto contents = parse_contents(text.text);
  if (!contents.migration)
    throw core::ConfigError(
        fmt::format("{} is not an archive of the shop's database (it has no {} table)", file,
                    kMigrationsTable),
        "give a file written by `boutique backup`");
  return contents;
}

std::string version_label(int migration) {
  return fmt::format("v{:03d}", migration);
}

std::string default_file_name(const std::string& target, std::time_t when, int migration) {
  std::tm tm{};
  ::gmtime_r(&when, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%MZ", &tm);
  return fmt::format("boutique-{}-{}-{}.dump", target, stamp, version_label(migration));
}

std::string rows_summary(const Contents& contents) {
  std::string out;
  for (const auto& [table, n] : contents.rows)
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, table);
  return out.empty() ? "no rows" : out;
}

nlohmann::json rows_json(const Contents& contents) {
  nlohmann::json rows = nlohmann::json::object();
  for (const auto& [table, n] : contents.rows) rows[table] = n;
  return rows;
}

std::string human_bytes(unsigned long long bytes) {
  if (bytes < 1000) return fmt::format("{} B", bytes);
  const double b = static_cast<double>(bytes);
  if (bytes < 1000ULL * 1000) return fmt::format("{:.1f} kB", b / 1e3);
  if (bytes < 1000ULL * 1000 * 1000) return fmt::format("{:.1f} MB", b / 1e6);
  return fmt::format("{:.1f} GB", b / 1e9);
}

std::unique_ptr<targets::Database> database_of(targets::Target& target,
                                               const std::string& command) {
  auto db = target.database();
  if (!db)
    throw core::NotImplemented(
        fmt::format("`boutique {}` is not available on the {} target in this version", command,
                    target.name()),
        "the local, compose and k8s targets have it");
  return db;
}

}  // namespace backup

namespace {

// The archive while it is written: a private (0600) file next to its destination, removed unless
// it is committed — so a failed or interrupted backup never leaves a half-written FILE.
class PartialFile {
 public:
  explicit PartialFile(const fs::path& dir) {
    std::string tmpl = (dir / ".boutique-backup-XXXXXX").string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
      throw core::ConfigError(
          fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)),
          "choose a directory you can write to");
    ::fchmod(fd, 0600);
    ::close(fd);
    path_ = tmpl;
  }
  ~PartialFile() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  const fs::path& path() const { return path_; }
  unsigned long long size() const { return fs::file_size(path_); }
  // On disk, then renamed to `dest` (replacing it).
  void commit(const fs::path& dest) {
    if (const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    fs::rename(path_, dest);
    path_.clear();
  }

 private:
  fs::path path_;
};

// The default name, with -2, -3... when a backup of the same minute is already there.
fs::path free_name(const fs::path& dir, const std::string& name) {
  fs::path p = dir / name;
  const std::string stem = p.stem().string();
  for (int i = 2; fs::exists(p); ++i) p = dir / fmt::format("{}-{}.dump", stem, i);
  return p;
}

}  // namespace

CLI::App* setup_backup(CLI::App& app, BackupOptions& opts) {
  auto* sub = app.add_subcommand(
      "backup", "Write a consistent dump of the shop's database (pg_dump custom format)");
  sub->add_option("file", opts.file,
                  "Where to write it (default: boutique-<target>-<UTC time>-v<schema>.dump here)")
      ->type_name(choices::kFile);
  sub->footer(
      "The dump is one snapshot of the running stack's database (pg_dump's own transaction),\n"
      "written to a temporary file next to FILE, then renamed: never half-written. Mode 0600:\n"
      "it holds password hashes. Prints its size and the row counts of produits,\n"
      "utilisateurs and commandes. Restore it with `boutique restore FILE`.\n\n"
      "Examples:\n  boutique backup\n  boutique backup before-upgrade.dump\n  boutique backup -o "
      "json");
  return sub;
}

int run_backup(const BackupOptions& opts, core::Context& ctx) {
  auto target = targets::make_target(ctx);
  auto db = backup::database_of(*target, "backup");
  const fs::path dest = opts.file.empty() ? fs::path() : fs::absolute(opts.file);
  const fs::path dir = dest.empty() ? fs::current_path() : dest.parent_path();
  if (!fs::is_directory(dir))
    throw core::ConfigError(fmt::format("{} is not a directory", dir.string()),
                            "create it first, or give another FILE");
  if (!dest.empty() && fs::is_directory(dest))
    throw core::ConfigError(fmt::format("{} is a directory", dest.string()),
                            "give a file name (boutique backup DIR/shop.dump)");
  db->attach();
  const std::time_t started = std::time(nullptr);
  core::catch_interrupts();  // Ctrl-C: pg_dump ends, the partial file is removed (exit 8)
  PartialFile partial(dir);
  {
    auto step = ctx.progress->step(fmt::format("Dumping {}", db->describe()));
    db->dump_to(partial.path());
    step.done(backup::human_bytes(partial.size()));
  }
  core::throw_if_interrupted();
  const auto text = db->read_archive(partial.path(), backup::tables_to_read());
  if (!text.ok)
    throw core::CommandFailed(fmt::format("pg_restore cannot read the new dump: {}", text.error));
  const auto contents = backup::parse_contents(text.text);
  const int version = contents.migration.value_or(0);
  const fs::path file =
      dest.empty() ? free_name(dir, backup::default_file_name(target->name(), started, version))
                   : dest;
  const auto bytes = partial.size();
  partial.commit(file);

  if (ctx.format == core::Format::json) {
    ctx.print(nlohmann::json{{"target", target->name()},
                             {"file", file.string()},
                             {"bytes", bytes},
                             {"migration", version},
                             {"rows", backup::rows_json(contents)}}
                  .dump(2) +
              "\n");
    return 0;
  }
  std::string out =
      fmt::format("{:<13} {}\n{:<13} {} ({} bytes)\n{:<13} {}\n", "file", file.string(), "size",
                  backup::human_bytes(bytes), bytes, "schema", backup::version_label(version));
  for (const auto& [table, n] : contents.rows) out += fmt::format("{:<13} {} rows\n", table, n);
  ctx.print(out);
  return 0;
}

}  // namespace boutique::commands
