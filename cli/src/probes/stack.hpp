#pragma once
// The stack's HTTP checks, the same rows on every target (docs/cli.md, "status"): the API's
// /healthz, /readyz and migration version, the web UI's page and its /api/info proxy — probed from
// the URLs a target serves them at. Each target adds its own rows (processes, containers, pods).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/output.hpp"

namespace boutique::probes {

// Where the stack answers. An empty URL means it cannot be reached from here: its rows fail with
// `unreachable` as their detail (a closed port, no node address...).
struct StackUrls {
  std::string api, web;
  std::string unreachable = "not reachable";
  std::string logs_flags;  // added to `boutique logs <part>` in hints (" --target k8s")
};

// api: healthz, readyz, migrations (against what the API expects, else the newest file of
// <root>/api/migrations).
std::vector<core::Check> api_checks(const StackUrls& urls, const std::filesystem::path& root);
// web: index.html (an HTML page), proxy /api/info (the API through the web server).
std::vector<core::Check> web_checks(const StackUrls& urls);

// Highest NNN in <root>/api/migrations/NNN_*.sql (0 when none, or too large to be one).
int latest_migration(const std::filesystem::path& root);

// The migration versions in a GET /api/info body: `database.migration_version` (have) and
// `database.migration_expected` (want), each an integer or a decimal string; 0 when absent or not a
// version. nullopt when the body is not JSON or has no `database` object. Never throws.
struct MigrationReport {
  int have = 0;
  int want = 0;
};
std::optional<MigrationReport> migration_report(std::string_view info_body);

}  // namespace boutique::probes
