#include "support/pg.hpp"

#include <cctype>
#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

#include "support/api_test.hpp"
#include "support/process.hpp"
#include "support/secrets.hpp"

namespace boutique::it {
namespace {

std::string script() {
  if (const char* s = std::getenv("BOUTIQUE_TEST_PG_CLUSTER_SCRIPT")) return s;
  return BOUTIQUE_IT_PG_CLUSTER;
}

std::string run_script(const std::string& cmd, const std::filesystem::path& dir,
                       const std::string& extra = {}) {
  std::vector<std::string> argv{script(), cmd, dir.string()};
  if (!extra.empty()) argv.push_back(extra);
  const CommandResult r = run_command(argv);
  if (r.exit_code != 0) {
    throw std::runtime_error("pg-cluster.sh " + cmd + " " + dir.string() + " failed (exit " +
                             std::to_string(r.exit_code) + "): " + r.err);
  }
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::filesystem::path shared_cluster_dir() {
  const char* dir = std::getenv("BOUTIQUE_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "BOUTIQUE_TEST_PG_DIR is not set: run the integration tests through ctest (fixture "
        "api.integration.pg_start), or start a cluster with scripts/pg-cluster.sh start DIR and "
        "export BOUTIQUE_TEST_PG_DIR=DIR");
  }
  return dir;
}

std::filesystem::path work_dir() {
  const char* env = std::getenv("BOUTIQUE_TEST_WORK_DIR");
  std::filesystem::path dir = env != nullptr && *env != '\0' ? env : "/tmp/boutique-it";
  std::filesystem::create_directories(dir);
  return dir;
}

std::string start_cluster(const std::filesystem::path& dir) {
  return run_script("start", dir);
}

void stop_cluster(const std::filesystem::path& dir) {
  run_script("stop", dir);
}

// The test clusters trust loopback connections, so a password in the URL is never asked for: each
// test process puts one in anyway, recorded for the log scan, to prove that nothing logs
// DATABASE_URL (docs/security.md).
std::string cluster_url(const std::filesystem::path& dir, const std::string& database) {
  static const std::string password = [] {
    std::string p = "dbpw-" + random_token(24);
    record_secret("database-password", p);
    return p;
  }();
  std::string url = run_script("url", dir, database);
  const std::string user = "postgresql://postgres@";
  if (url.rfind(user, 0) == 0)
    url.replace(0, user.size(), "postgresql://postgres:" + password + "@");
  return url;
}

std::string create_database(const std::filesystem::path& dir, const std::string& name) {
  pqxx::connection conn(cluster_url(dir, "postgres"));
  pqxx::nontransaction tx(conn);
  tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
  tx.exec0("CREATE DATABASE " + tx.quote_name(name));
  return cluster_url(dir, name);
}

std::string database_name_for(const std::string& suite) {
  std::string name = "it_";
  for (const char c : suite) {
    const auto u = static_cast<unsigned char>(c);
    name += std::isalnum(u) != 0 ? static_cast<char>(std::tolower(u)) : '_';
  }
  return name.substr(0, 63);
}

}  // namespace boutique::it
