#include "db/seed.hpp"

#include "app/log.hpp"
#include "db/embedded.hpp"
#include "db/utilisateurs_repo.hpp"
#include "security/crypto.hpp"

namespace boutique::db {
namespace {

constexpr const char* kDemoUserEmail = "client@boutique.local";

void ensure_account(pqxx::connection& conn, const std::string& nom, const std::string& email,
                    const std::string& role, const std::optional<std::string>& password,
                    const char* password_variable) {
  {
    pqxx::nontransaction tx(conn);
    const auto rows = tx.exec_params("SELECT role FROM utilisateurs WHERE email = $1", email);
    if (!rows.empty()) {
      if (role == "admin" && rows[0][0].as<std::string>() != "admin")
        throw SeedConflict("BOUTIQUE_ADMIN_EMAIL=" + email +
                           " belongs to an existing customer account, not an admin: choose "
                           "another email for the demo admin");
      return;
    }
  }
  const std::string pw = password ? *password : security::random_password();
  if (!insert_utilisateur(conn, nom, email, role, security::hash_password(pw))) return;
  auto line = app::log::info("demo account created");
  line.str("email", email).str("role", role);
  if (password) {
    line.str("password", std::string("from ") + password_variable);
  } else {
    // Printed this once only; set the variable to choose it instead.
    line.str("generated_password", pw)
        .str("hint", std::string("set ") + password_variable + " to choose it");
  }
}

}  // namespace

void seed_demo(pqxx::connection& conn, const app::Config& config) {
  {
    pqxx::work tx(conn);
    if (tx.exec1("SELECT count(*) FROM produits")[0].as<long long>() == 0) {
      tx.exec(std::string(embedded::demo_produits_sql()));
      tx.commit();
      app::log::info("demo catalogue loaded");
    }
  }
  ensure_account(conn, "Administrateur", config.admin_email, "admin", config.admin_password,
                 "BOUTIQUE_ADMIN_PASSWORD");
  ensure_account(conn, "Client démo", kDemoUserEmail, "user", config.user_password,
                 "BOUTIQUE_USER_PASSWORD");
}

}  // namespace boutique::db
