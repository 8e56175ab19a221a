#pragma once
// Files compiled into the binary (api/cmake/Embed.cmake).
#include <string_view>
#include <vector>

namespace boutique::db::embedded {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// api/migrations/*.sql, by version.
const std::vector<Migration>& migrations();
// The highest migration version compiled into this binary (0 when none).
int latest_migration_version();
// api/seed/produits.sql
std::string_view demo_produits_sql();
// api/openapi.json
std::string_view openapi_json();

}  // namespace boutique::db::embedded
