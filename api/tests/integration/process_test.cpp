// boutique-api as a program: --version/--help, exit codes for bad configuration and a taken port,
// the generated admin password logged once, `migrate`, and starting before the database is up.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "support/api_test.hpp"
#include "support/pg.hpp"

namespace boutique::it {
namespace {

// JSON log lines of `log` whose "msg" is `msg`.
std::vector<nlohmann::json> log_lines(const std::string& log, const std::string& msg) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (!nlohmann::json::accept(line)) continue;
    auto j = nlohmann::json::parse(line);
    if (j.value("msg", "") == msg) lines.push_back(std::move(j));
  }
  return lines;
}

class ProcessusApi : public ::testing::Test {
 protected:
  std::string fresh_database(const std::string& name) {
    return create_database(shared_cluster_dir(), database_name_for("ProcessusApi_" + name));
  }
  std::filesystem::path log_path(const std::string& name) {
    auto path = work_dir() / ("ProcessusApi." + name + ".api.log");
    std::filesystem::remove(path);
    return path;
  }
  // Starts the API and waits for it to exit (it should, quickly); the wait status and its log.
  std::pair<std::optional<int>, std::string> run_until_exit(ApiConfig config) {
    ApiProcess api(std::move(config));
    auto status = api.wait_exit(std::chrono::seconds(10));
    return {status, api.log()};
  }
};

TEST_F(ProcessusApi, VersionAndHelp) {
  const auto version = run_command({api_binary(), "--version"}, std::chrono::seconds(10));
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find(project_version()), std::string::npos) << version.out;
  const auto help = run_command({api_binary(), "--help"}, std::chrono::seconds(10));
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("DATABASE_URL"), std::string::npos) << "help lists the environment";
  const auto bad = run_command({api_binary(), "--no-such-option"}, std::chrono::seconds(10));
  EXPECT_EQ(bad.exit_code, 2) << "bad usage: " << bad.out << bad.err;
}

TEST_F(ProcessusApi, BadConfigurationExits2NamingTheVariable) {
  const EnvVars cases = {{"PORT", "abc"},
                         {"PORT", "70000"},
                         {"BOUTIQUE_THREADS", "0"},
                         {"BOUTIQUE_THREADS", "beaucoup"},
                         {"BOUTIQUE_DB_POOL", "-1"},
                         {"BOUTIQUE_LOG_FORMAT", "xml"},
                         {"BOUTIQUE_SEED_DEMO", "peut-etre"}};
  for (const auto& [name, value] : cases) {
    ApiConfig config{.database_url = cluster_url(shared_cluster_dir(), "postgres"),
                     .log_path = log_path("config"),
                     .env = {{name, value}}};
    const auto [status, log] = run_until_exit(std::move(config));
    ASSERT_TRUE(status.has_value()) << name << "=" << value << " did not stop the API";
    EXPECT_EQ(describe_wait_status(*status), "exit 2") << name << "=" << value << "\n" << log;
    EXPECT_NE(log.find(name), std::string::npos) << "the message names " << name << ": " << log;
  }
}

TEST_F(ProcessusApi, TakenPortExits1) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ApiConfig config{.database_url = fresh_database("port"),
                   .log_path = log_path("port"),
                   .port = ntohs(addr.sin_port)};
  const auto [status, log] = run_until_exit(std::move(config));
  close(fd);
  ASSERT_TRUE(status.has_value()) << "still running on a taken port";
  EXPECT_EQ(describe_wait_status(*status), "exit 1") << log;
}

TEST_F(ProcessusApi, GeneratedAdminPasswordIsLoggedOnceAndWorks) {
  const auto db = fresh_database("generated");
  const auto log = log_path("generated");
  std::string password;
  {
    ApiProcess api({.database_url = db, .log_path = log, .env = {{"BOUTIQUE_SEED_DEMO", "1"}}});
    api.wait_ready();
    for (const auto& line : log_lines(api.log(), "demo account created")) {
      if (line.value("role", "") == "admin") password = line.value("generated_password", "");
    }
    ASSERT_GE(password.size(), 10U) << "no generated admin password in the log:\n" << api.log();
    HttpClient http(api.base_url());
    const Response r =
        http.post("/api/auth/login", {{"email", "admin@boutique.local"}, {"password", password}});
    EXPECT_TRUE(IsJson(r, 200)) << "the default admin email with the logged password";
    EXPECT_EQ(describe_wait_status(api.stop()), "exit 0");
  }
  const auto first_run = std::filesystem::file_size(log);
  ApiProcess again({.database_url = db, .log_path = log, .env = {{"BOUTIQUE_SEED_DEMO", "1"}}});
  again.wait_ready();
  const auto second_run = again.log(first_run);
  EXPECT_EQ(second_run.find(password), std::string::npos) << "password logged again";
  EXPECT_TRUE(log_lines(second_run, "demo account created").empty()) << second_run;
  HttpClient http(again.base_url());
  EXPECT_TRUE(IsJson(
      http.post("/api/auth/login", {{"email", "admin@boutique.local"}, {"password", password}}),
      200))
      << "a restart keeps the account and its password";
}

TEST_F(ProcessusApi, MigrateAppliesAndExits) {
  const auto db = fresh_database("migrate");
  for (int run = 1; run <= 2; ++run) {
    const auto r = run_command({api_binary(), "migrate"}, std::chrono::seconds(30),
                               {{"DATABASE_URL", db}, {"BOUTIQUE_LOG_FORMAT", "json"}});
    EXPECT_EQ(r.exit_code, 0) << "run " << run << ": " << r.out << r.err;
  }
  ApiProcess api({.database_url = db, .log_path = log_path("migrate")});
  api.wait_ready(std::chrono::seconds(10));
  HttpClient http(api.base_url());
  const Response r = http.get("/api/produits");
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.header("X-Total-Count"), "0") << "BOUTIQUE_SEED_DEMO defaults to 0";
}

// BOUTIQUE_ADMIN_EMAIL is normalised like every email (it violated CHECK (email = lower(email)) and
// the API retried for ever); an email that belongs to a customer is a configuration error that
// retrying cannot fix: `migrate` exits 2, the server says so and stops with 2.
TEST_F(ProcessusApi, AdminEmailIsNormalisedAndACustomersEmailIsRefused) {
  const auto db = fresh_database("adminmail");
  const auto log = log_path("adminmail");
  {
    ApiProcess api({.database_url = db,
                    .log_path = log,
                    .env = {{"BOUTIQUE_SEED_DEMO", "1"},
                            {"BOUTIQUE_ADMIN_EMAIL", " Admin@Shop.FR "},
                            {"BOUTIQUE_ADMIN_PASSWORD", "admin-password-1"}}});
    api.wait_ready(std::chrono::seconds(20));
    HttpClient http(api.base_url());
    EXPECT_TRUE(IsJson(http.post("/api/auth/login",
                                 {{"email", "admin@shop.fr"}, {"password", "admin-password-1"}}),
                       200));
    const Response customer = http.post(
        "/api/utilisateurs",
        {{"nom", "Client"}, {"email", "client@shop.fr"}, {"password", "client-password-1"}});
    ASSERT_TRUE(IsJson(customer, 201)) << customer.describe();
    EXPECT_EQ(describe_wait_status(api.stop()), "exit 0");
  }
  const EnvVars customer_as_admin = {{"DATABASE_URL", db},
                                     {"BOUTIQUE_SEED_DEMO", "1"},
                                     {"BOUTIQUE_LOG_FORMAT", "json"},
                                     {"BOUTIQUE_ADMIN_EMAIL", "client@shop.fr"}};
  const auto migrate =
      run_command({api_binary(), "migrate"}, std::chrono::seconds(30), customer_as_admin);
  EXPECT_EQ(migrate.exit_code, 2) << migrate.out << migrate.err;
  EXPECT_NE((migrate.out + migrate.err).find("not an admin"), std::string::npos)
      << migrate.out << migrate.err;

  ApiProcess api(
      {.database_url = db,
       .log_path = log,
       .env = {{"BOUTIQUE_SEED_DEMO", "1"}, {"BOUTIQUE_ADMIN_EMAIL", "client@shop.fr"}}});
  const auto status = api.wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(status.has_value()) << "the server keeps running:\n" << api.log();
  EXPECT_EQ(describe_wait_status(*status), "exit 2") << api.log();

  const auto bad = run_command({api_binary(), "migrate"}, std::chrono::seconds(10),
                               {{"DATABASE_URL", db}, {"BOUTIQUE_ADMIN_EMAIL", "pas-un-email"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("BOUTIQUE_ADMIN_EMAIL"), std::string::npos) << bad.err;
}

TEST_F(ProcessusApi, StartsBeforeTheDatabaseAndAnswers503) {
  const std::string nowhere =
      "postgresql://postgres@127.0.0.1:" + std::to_string(find_free_port()) + "/absente";
  ApiProcess api({.database_url = nowhere, .log_path = log_path("nodb")});
  api.wait_healthy(std::chrono::seconds(10));
  HttpClient http(api.base_url());
  EXPECT_TRUE(IsProblem(http.get("/readyz"), 503));
  const Response list = http.get("/api/produits");
  EXPECT_TRUE(IsProblem(list, 503));
  EXPECT_TRUE(list.has_header("Retry-After")) << list.describe();
  EXPECT_TRUE(IsProblem(http.post("/api/auth/login",
                                  {{"email", "someone@example.com"}, {"password", "0123456789ab"}}),
                        503));
  EXPECT_EQ(http.get("/healthz").status, 200);
  EXPECT_TRUE(api.running());
  EXPECT_EQ(describe_wait_status(api.stop()), "exit 0");
}

}  // namespace
}  // namespace boutique::it
