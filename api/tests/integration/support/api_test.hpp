// The per-suite environment of the integration tests: a fresh database in a throwaway cluster, the
// real boutique-api on a free port (demo data, known admin password), and helpers to log in,
// register customers and create products. ApiTest<Suite> wires it into a GoogleTest fixture: one
// database and one API process per test suite, the API's log printed when a test fails.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/assertions.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace boutique::it {

struct SuiteOptions {
  bool seed_demo = true;
  int threads = 2;
  std::string cors_origins = {};           // BOUTIQUE_CORS_ORIGINS when not empty
  std::filesystem::path cluster_dir = {};  // empty: the shared fixture cluster
  EnvVars extra_env = {};
  // The URL the API is given for the suite's database (default: that URL itself), e.g. through a
  // proxy the test controls. Tests still reach the database directly: env().database_url().
  std::function<std::string(const std::string&)> api_database_url = {};
};

struct Account {
  long long id = 0;
  std::string nom;
  std::string email;
  std::string password;
  std::string token;
};

// Demo customer account seeded with BOUTIQUE_SEED_DEMO=1 (docs/api.md).
inline constexpr const char* kDemoUserEmail = "client@boutique.local";

class ApiEnv {
 public:
  ApiEnv(const std::string& suite, SuiteOptions options);

  ApiProcess& process() { return *process_; }
  HttpClient client() const { return HttpClient(process_->base_url()); }
  const std::string& database_url() const { return database_url_; }
  const std::filesystem::path& cluster_dir() const { return cluster_dir_; }

  // Starts the API again on the same database, on a new port (after stop() or a crash).
  void restart();
  // SIGTERM and reap; the wait status.
  int stop() { return process_->stop(); }

  const std::string& admin_email() const { return admin_email_; }
  const std::string& admin_password() const { return admin_password_; }
  const std::string& user_password() const { return user_password_; }
  const std::string& admin_token();  // logs in once
  const std::string& user_token();   // the demo customer, logs in once

  // POST /api/auth/login; the token (throws unless 200).
  std::string login(const std::string& email, const std::string& password);
  // The same; the whole 200 body.
  nlohmann::json login_body(const std::string& email, const std::string& password);
  // POST /api/utilisateurs with a unique email derived from `label`, then logs in.
  Account register_user(const std::string& label);
  // POST /api/produits as admin with defaults for the fields not given; the 201 body.
  nlohmann::json create_produit(const nlohmann::json& fields);
  // GET /api/produits/{id}; the 200 body (throws otherwise).
  nlohmann::json get_produit(long long id);

 private:
  void spawn();

  std::string suite_;
  SuiteOptions options_;
  std::filesystem::path cluster_dir_;
  std::string database_url_;
  std::string admin_email_;
  std::string admin_password_;
  std::string user_password_;
  std::optional<std::string> admin_token_;
  std::optional<std::string> user_token_;
  int port_ = 0;
  std::unique_ptr<ApiProcess> process_;
  int counter_ = 0;
};

// The source tree (docs/api.md lives there) and the project version the API was built with.
std::filesystem::path source_dir();
std::string project_version();

// Random printable secret (test passwords, idempotency keys).
std::string random_token(size_t length = 20);
// The last `lines` lines of `text`.
std::string tail_lines(const std::string& text, size_t lines);

// A route that reads a JSON body, with the bearer token it needs ("" when public) and a body it
// accepts (JSON-wise: a login may still be refused).
struct BodyRoute {
  const char* method;
  const char* path;
  std::string bearer;
  std::string valid_body;
};
// The six routes that read a JSON body (docs/api.md), each with the token it requires.
std::vector<BodyRoute> json_body_routes(const std::string& user_token,
                                        const std::string& admin_token);

template <class Suite>
class ApiTest : public ::testing::Test {
 public:
  static SuiteOptions suite_options() { return {}; }

 protected:
  static void SetUpTestSuite() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_suite();
    try {
      env_ = std::make_unique<ApiEnv>(info != nullptr ? info->name() : "suite",
                                      Suite::suite_options());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "suite set-up failed: " << e.what();
    }
  }

  // Every suite ends with a graceful stop: SIGTERM must give exit 0 (docs/api.md).
  static void TearDownTestSuite() {
    if (!env_) return;
    const int status = env_->stop();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      ADD_FAILURE() << "boutique-api did not exit 0 on SIGTERM: " << describe_wait_status(status)
                    << "\nlog tail:\n"
                    << tail_lines(env_->process().log(), 60);
    }
    env_.reset();
  }

  void SetUp() override {
    ASSERT_NE(env_, nullptr) << "suite set-up failed (see above)";
    log_offset_ = env_->process().log_size();
  }

  void TearDown() override {
    if (HasFailure() && env_) {
      std::cerr << "---- boutique-api log during this test (" << env_->process().log_path().string()
                << ") ----\n"
                << tail_lines(env_->process().log(log_offset_), 80) << "---- end of log ----\n";
    }
  }

  static ApiEnv& env() { return *env_; }
  HttpClient& http() {
    if (!http_ || http_->base_url() != env_->process().base_url()) http_.emplace(env_->client());
    return *http_;
  }

  static inline std::unique_ptr<ApiEnv> env_;

 private:
  size_t log_offset_ = 0;
  std::optional<HttpClient> http_;
};

}  // namespace boutique::it
