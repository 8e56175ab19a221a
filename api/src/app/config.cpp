#include "app/config.hpp"

#include <charconv>
#include <thread>

#include <fmt/format.h>

#include "domain/utilisateur.hpp"

namespace boutique::app {
namespace {

unsigned parse_unsigned(const char* name, const char* value, unsigned min, unsigned max) {
  unsigned out = 0;
  const std::string_view s(value);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end != s.data() + s.size() || out < min || out > max) {
    throw ConfigError(
        fmt::format("{}='{}': expected an integer between {} and {}", name, s, min, max));
  }
  return out;
}

bool parse_bool(const char* name, const char* value) {
  const std::string_view s(value);
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off" || s.empty()) return false;
  throw ConfigError(fmt::format("{}='{}': expected 1 or 0", name, s));
}

std::vector<std::string> split_origins(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    auto item = s.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '/')) item.remove_suffix(1);
    if (!item.empty()) {
      if (item != "*" && !item.starts_with("http://") && !item.starts_with("https://")) {
        throw ConfigError(fmt::format(
            "BOUTIQUE_CORS_ORIGINS: '{}' is not an origin (expected http(s)://host[:port] or *)",
            item));
      }
      out.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

Config load_config(const EnvLookup& env) {
  Config c;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  c.threads = cores;
  if (const char* v = env("DATABASE_URL"); v && *v) c.database_url = v;
  if (const char* v = env("BOUTIQUE_BIND"); v && *v) c.bind = v;
  if (const char* v = env("PORT"); v && *v)
    c.port = static_cast<std::uint16_t>(parse_unsigned("PORT", v, 1, 65535));
  if (const char* v = env("BOUTIQUE_THREADS"); v && *v)
    c.threads = parse_unsigned("BOUTIQUE_THREADS", v, 1, 256);
  c.workers = c.threads + 2;
  if (const char* v = env("BOUTIQUE_WORKERS"); v && *v)
    c.workers = parse_unsigned("BOUTIQUE_WORKERS", v, 1, 512);
  if (const char* v = env("BOUTIQUE_QUEUE"); v && *v)
    c.queue = parse_unsigned("BOUTIQUE_QUEUE", v, 1, 100000);
  c.hash_workers = std::max(1u, c.threads / 2);
  if (const char* v = env("BOUTIQUE_HASH_WORKERS"); v && *v)
    c.hash_workers = parse_unsigned("BOUTIQUE_HASH_WORKERS", v, 1, 64);
  // About a second of waiting at ~70 ms a hash: longer, and the client is better told to retry.
  c.hash_queue = 16 * std::size_t{c.hash_workers};
  // Every worker can hold a connection at once.
  c.db_pool = c.workers + c.hash_workers;
  if (const char* v = env("BOUTIQUE_DB_POOL"); v && *v)
    c.db_pool = parse_unsigned("BOUTIQUE_DB_POOL", v, 1, 512);
  if (const char* v = env("BOUTIQUE_CORS_ORIGINS"); v) c.cors_origins = split_origins(v);
  if (const char* v = env("BOUTIQUE_LOG_FORMAT"); v && *v) {
    const std::string_view s(v);
    if (s == "json")
      c.log_format = LogFormat::kJson;
    else if (s == "text")
      c.log_format = LogFormat::kText;
    else
      throw ConfigError(fmt::format("BOUTIQUE_LOG_FORMAT='{}': expected json or text", s));
  }
  if (const char* v = env("BOUTIQUE_SEED_DEMO"); v)
    c.seed_demo = parse_bool("BOUTIQUE_SEED_DEMO", v);
  if (const char* v = env("BOUTIQUE_ADMIN_EMAIL"); v && *v) {
    // Stored as every email is (trimmed, lower case): Admin@Shop.fr is admin@shop.fr.
    const auto email = domain::normalise_email(v);
    if (!email)
      throw ConfigError(fmt::format("BOUTIQUE_ADMIN_EMAIL='{}': not an email address", v));
    c.admin_email = *email;
  }
  if (const char* v = env("BOUTIQUE_ADMIN_PASSWORD"); v && *v) c.admin_password = v;
  if (const char* v = env("BOUTIQUE_USER_PASSWORD"); v && *v) c.user_password = v;
  if (const char* v = env("POD_NAME"); v && *v) c.pod_name = v;
  for (const auto& [name, pw] : {std::pair{"BOUTIQUE_ADMIN_PASSWORD", &c.admin_password},
                                 std::pair{"BOUTIQUE_USER_PASSWORD", &c.user_password}}) {
    if (*pw && pw->value().size() < 10) {
      throw ConfigError(fmt::format("{}: a password needs at least 10 characters", name));
    }
  }
  return c;
}

std::string config_help() {
  return R"(Environment:
  DATABASE_URL             libpq URI or key=value string
                           (default postgresql://boutique@127.0.0.1:5432/boutique)
  PORT                     TCP port to listen on (default 5000)
  BOUTIQUE_BIND            listen address (default 0.0.0.0)
  BOUTIQUE_THREADS         network threads (default: number of cores)
  BOUTIQUE_WORKERS         database workers (default: threads + 2)
  BOUTIQUE_QUEUE           requests waiting for a database worker before 503 (default 1024)
  BOUTIQUE_HASH_WORKERS    password-hashing workers, 64 MiB each (default: threads / 2, at least
                           1); 16 logins per worker may wait, more get 503
  BOUTIQUE_DB_POOL         PostgreSQL connections (default: workers + hash workers)
  BOUTIQUE_CORS_ORIGINS    comma-separated allowed origins (default: none)
  BOUTIQUE_LOG_FORMAT      json | text (default json)
  BOUTIQUE_SEED_DEMO       1: load the demo catalogue and accounts into an empty database
  BOUTIQUE_ADMIN_EMAIL     demo admin's email (default admin@boutique.local)
  BOUTIQUE_ADMIN_PASSWORD  demo admin's password (default: generated, logged once)
  BOUTIQUE_USER_PASSWORD   demo customer's password (default: generated, logged once)
  POD_NAME                 the Kubernetes pod's name (downward API), shown by /api/info
)";
}

}  // namespace boutique::app
