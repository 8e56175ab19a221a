// What `backup` and `restore` read from an archive (pg_restore's data text), the default file
// name, sizes; the capability's absence on a target without it.
#include "commands/backup.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"

using namespace boutique;
using namespace boutique::commands;

namespace {

// pg_restore --data-only -t produits -t utilisateurs -t commandes -t schema_migrations, as
// PostgreSQL 15 prints it (trimmed).
constexpr const char* kData =
    "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"
    "COPY public.commandes (id, utilisateur_id, statut, total, created_at, idempotency_key) FROM "
    "stdin;\n"
    "1\t3\tvalidee\t12.34\t2026-12-03 21:10:00+00\t\\N\n"
    "\\.\n\n"
    "COPY public.produits (id, nom, categorie, prix, stock) FROM stdin;\n"
    "1\tThinkPad\tOrdinateurs\t1899.00\t12\n2\tCOPY x FROM stdin;\tAudio\t1.00\t1\n"
    "\\.\n\n"
    "COPY public.schema_migrations (version, name, applied_at) FROM stdin;\n"
    "1\t001_schema\t2026-12-01 10:00:00+00\n"
    "6\t006_login_buckets\t2026-12-01 10:00:00+00\n"
    "3\t003_x\t2026-12-01 10:00:00+00\n"
    "\\.\n\n"
    "COPY public.utilisateurs (id, nom) FROM stdin;\n"
    "\\.\n";

}  // namespace

TEST(BackupContents, CountsRowsAndReadsTheSchemaVersion) {
  const auto c = backup::parse_contents(kData);
  ASSERT_TRUE(c.migration);
  EXPECT_EQ(*c.migration, 6);
  ASSERT_EQ(c.rows.size(), 3u);  // in produits, utilisateurs, commandes order
  EXPECT_EQ(c.rows[0], (std::pair<std::string, long long>{"produits", 2}));
  EXPECT_EQ(c.rows[1], (std::pair<std::string, long long>{"utilisateurs", 0}));
  EXPECT_EQ(c.rows[2], (std::pair<std::string, long long>{"commandes", 1}));
  EXPECT_EQ(backup::rows_summary(c), "2 produits, 0 utilisateurs, 1 commandes");
}

TEST(BackupContents, NoMigrationsTableIsNotTheShop) {
  const auto c = backup::parse_contents("COPY public.produits (id) FROM stdin;\n1\n\\.\n");
  EXPECT_FALSE(c.migration);
  EXPECT_EQ(backup::rows_summary(c), "1 produits");
  EXPECT_FALSE(backup::parse_contents("").migration);
  // An empty schema_migrations is version 0, not "no table".
  const auto empty = backup::parse_contents(
      "COPY public.schema_migrations (version, name, applied_at) FROM stdin;\n\\.\n");
  ASSERT_TRUE(empty.migration);
  EXPECT_EQ(*empty.migration, 0);
  EXPECT_EQ(backup::rows_summary(empty), "no rows");
}

TEST(BackupContents, QuotedNamesAndTablesItDoesNotCount) {
  const auto c = backup::parse_contents(
      "COPY public.\"sessions\" (token_hash) FROM stdin;\na\nb\n\\.\n"
      "COPY \"commandes\" (id) FROM stdin;\n7\n\\.\n");
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0], (std::pair<std::string, long long>{"commandes", 1}));
}

TEST(BackupName, TargetUtcMinuteAndSchema) {
  EXPECT_EQ(backup::default_file_name("local", 1796332200, 6),  // 2026-12-03 21:10:00 UTC
            "boutique-local-20261203T2110Z-v006.dump");
  EXPECT_EQ(backup::default_file_name("compose", 0, 12),
            "boutique-compose-19700101T0000Z-v012.dump");
  EXPECT_EQ(backup::version_label(999), "v999");
}

TEST(BackupName, HumanBytes) {
  EXPECT_EQ(backup::human_bytes(0), "0 B");
  EXPECT_EQ(backup::human_bytes(999), "999 B");
  EXPECT_EQ(backup::human_bytes(48213), "48.2 kB");
  EXPECT_EQ(backup::human_bytes(12'300'000), "12.3 MB");
  EXPECT_EQ(backup::human_bytes(2'500'000'000ULL), "2.5 GB");
}
