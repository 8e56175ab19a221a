// The throwaway PostgreSQL clusters of the integration tests, driven through scripts/pg-cluster.sh.
#pragma once

#include <filesystem>
#include <string>

namespace boutique::it {

// The shared cluster started by the CTest fixture (BOUTIQUE_TEST_PG_DIR); throws when unset.
std::filesystem::path shared_cluster_dir();
// A scratch directory for logs and private clusters (BOUTIQUE_TEST_WORK_DIR, else /tmp), created.
std::filesystem::path work_dir();

std::string start_cluster(const std::filesystem::path& dir);  // returns the postgres URL
void stop_cluster(const std::filesystem::path& dir);
std::string cluster_url(const std::filesystem::path& dir, const std::string& database);

// Drops (forcefully) and creates `name` in the cluster at `dir`; returns its URL.
std::string create_database(const std::filesystem::path& dir, const std::string& name);

// "ProduitsLecture" -> "it_produitslecture": a safe database name for a test suite.
std::string database_name_for(const std::string& suite);

}  // namespace boutique::it
