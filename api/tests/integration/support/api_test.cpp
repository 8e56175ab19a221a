#include "support/api_test.hpp"

#include <cctype>
#include <random>
#include <stdexcept>

#include "support/pg.hpp"

namespace boutique::it {

std::filesystem::path source_dir() {
  return BOUTIQUE_IT_SOURCE_DIR;
}

std::string project_version() {
  return BOUTIQUE_IT_VERSION;
}

std::string random_token(size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof kAlphabet - 2);
  std::string out;
  for (size_t i = 0; i < length; ++i) out += kAlphabet[pick(rng)];
  return out;
}

std::string tail_lines(const std::string& text, size_t lines) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;  // the final newline ends the last line
  for (size_t seen = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++seen == lines) break;
  }
  return text.substr(pos);
}

std::vector<BodyRoute> json_body_routes(const std::string& user_token,
                                        const std::string& admin_token) {
  const std::string produit = R"({"nom":"T","categorie":"C","prix":"1.00","stock":1})";
  return {
      {"POST", "/api/auth/login", "", R"({"email":"nobody@example.com","password":"0123456789"})"},
      {"POST", "/api/utilisateurs", "",
       R"({"nom":"Trunc","email":"trunc@example.com","password":"0123456789"})"},
      {"POST", "/api/commandes", user_token, R"({"lignes":[{"produit_id":1,"quantite":1}]})"},
      {"POST", "/api/produits", admin_token, produit},
      {"PUT", "/api/produits/1", admin_token, produit},
      {"PATCH", "/api/produits/1", admin_token, R"({"prix":"2.50","stock":[1,{"a":null}]})"}};
}

ApiEnv::ApiEnv(const std::string& suite, SuiteOptions options)
    : suite_(suite),
      options_(std::move(options)),
      cluster_dir_(options_.cluster_dir.empty() ? shared_cluster_dir() : options_.cluster_dir),
      admin_email_("chef@boutique.test"),
      admin_password_("adm-" + random_token(20)),
      user_password_("usr-" + random_token(20)) {
  database_url_ = create_database(cluster_dir_, database_name_for(suite_));
  const auto log = work_dir() / (suite_ + ".api.log");
  std::filesystem::remove(log);
  port_ = find_free_port();
  spawn();
}

void ApiEnv::spawn() {
  ApiConfig config;
  config.database_url =
      options_.api_database_url ? options_.api_database_url(database_url_) : database_url_;
  config.log_path = work_dir() / (suite_ + ".api.log");
  config.port = port_;
  config.env = {
      {"BOUTIQUE_LOG_FORMAT", "json"},
      {"BOUTIQUE_SEED_DEMO", options_.seed_demo ? "1" : "0"},
      {"BOUTIQUE_ADMIN_EMAIL", admin_email_},
      {"BOUTIQUE_ADMIN_PASSWORD", admin_password_},
      {"BOUTIQUE_USER_PASSWORD", user_password_},
      {"BOUTIQUE_THREADS", std::to_string(options_.threads)},
  };
  if (!options_.cors_origins.empty()) {
    config.env.emplace_back("BOUTIQUE_CORS_ORIGINS", options_.cors_origins);
  }
  config.env.insert(config.env.end(), options_.extra_env.begin(), options_.extra_env.end());
  process_ = std::make_unique<ApiProcess>(std::move(config));
  process_->wait_healthy();
  // /healthz answers before migrations and the demo seed are done: wait for /readyz too.
  process_->wait_ready();
}

void ApiEnv::restart() {
  process_->stop();
  port_ = find_free_port();
  spawn();
}

nlohmann::json ApiEnv::login_body(const std::string& email, const std::string& password) {
  auto http = client();
  const Response r = http.post("/api/auth/login", {{"email", email}, {"password", password}});
  if (r.status != 200) throw std::runtime_error("login " + email + " failed: " + r.describe());
  return r.json();
}

std::string ApiEnv::login(const std::string& email, const std::string& password) {
  return login_body(email, password).at("token").get<std::string>();
}

const std::string& ApiEnv::admin_token() {
  if (!admin_token_) admin_token_ = login(admin_email_, admin_password_);
  return *admin_token_;
}

const std::string& ApiEnv::user_token() {
  if (!user_token_) user_token_ = login(kDemoUserEmail, user_password_);
  return *user_token_;
}

Account ApiEnv::register_user(const std::string& label) {
  Account account;
  account.nom = "Client " + label;
  account.email = label + "." + std::to_string(++counter_) + "." + random_token(6) + "@example.com";
  for (auto& c : account.email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  account.password = "pw-" + random_token(16);
  auto http = client();
  const Response r =
      http.post("/api/utilisateurs",
                {{"nom", account.nom}, {"email", account.email}, {"password", account.password}});
  if (r.status != 201) throw std::runtime_error("register " + account.email + ": " + r.describe());
  account.id = r.json().at("id").get<long long>();
  account.token = login(account.email, account.password);
  return account;
}

nlohmann::json ApiEnv::create_produit(const nlohmann::json& fields) {
  nlohmann::json body = {{"nom", "Produit " + std::to_string(++counter_)},
                         {"categorie", "Tests"},
                         {"prix", "10.00"},
                         {"stock", 10},
                         {"description", "Produit de test"},
                         {"image_url", "/images/produits/test.svg"}};
  body.update(fields);
  auto http = client();
  const Response r = http.post("/api/produits", body, admin_token());
  if (r.status != 201) {
    throw std::runtime_error("create produit " + body.dump() + ": " + r.describe());
  }
  return r.json();
}

nlohmann::json ApiEnv::get_produit(long long id) {
  auto http = client();
  const Response r = http.get("/api/produits/" + std::to_string(id));
  if (r.status != 200)
    throw std::runtime_error("GET produit " + std::to_string(id) + ": " + r.describe());
  return r.json();
}

}  // namespace boutique::it
