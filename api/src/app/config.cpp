#include "app/config.hpp"

#include <sched.h>

#include <charconv>
#include <fstream>
#include <sstream>
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

unsigned usable_cpus(unsigned affinity, std::string_view cpu_max) {
  unsigned cpus = std::max(1u, affinity);
  const auto space = cpu_max.find(' ');
  if (space == std::string_view::npos) return cpus;
  const auto quota_text = cpu_max.substr(0, space);
  auto period_text = cpu_max.substr(space + 1);
  while (!period_text.empty() && (period_text.back() == '\n' || period_text.back() == ' '))
    period_text.remove_suffix(1);
  unsigned long long quota = 0;
  unsigned long long period = 0;
  const auto q = std::from_chars(quota_text.data(), quota_text.data() + quota_text.size(), quota);
  const auto p =
      std::from_chars(period_text.data(), period_text.data() + period_text.size(), period);
  // "max": no quota; anything unreadable counts as none.
  if (q.ec != std::errc{} || q.ptr != quota_text.data() + quota_text.size() ||
      p.ec != std::errc{} || p.ptr != period_text.data() + period_text.size() || period == 0)
    return cpus;
  const auto quota_cpus = std::max<unsigned long long>(1, (quota + period - 1) / period);
  return static_cast<unsigned>(std::min<unsigned long long>(cpus, quota_cpus));
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const unsigned affinity = sched_getaffinity(0, sizeof set, &set) == 0
                                ? static_cast<unsigned>(CPU_COUNT(&set))
                                : std::thread::hardware_concurrency();
  std::ifstream in("/sys/fs/cgroup/cpu.max");
  std::stringstream text;
  text << in.rdbuf();
  return usable_cpus(affinity, text.str());
}

Config load_config(const EnvLookup& env) {
  return load_config(env, usable_cpus());
}

Config load_config(const EnvLookup& env, unsigned cpus) {
  Config c;
  cpus = std::max(1u, cpus);
  // Network threads only parse, answer from memory and write; whatever blocks runs on the
  // workers. Half the CPUs leaves the rest to the workers, PostgreSQL and the proxy, which share
  // the machine in every target (docs/performance.md: on 2 CPUs, one network thread serves as
  // many requests as two, with 14 % less CPU per request and a third of the p99).
  c.threads = std::max(1u, cpus / 2);
  if (const char* v = env("DATABASE_URL"); v && *v) c.database_url = v;
  if (const char* v = env("BOUTIQUE_BIND"); v && *v) c.bind = v;
  if (const char* v = env("PORT"); v && *v)
    c.port = static_cast<std::uint16_t>(parse_unsigned("PORT", v, 1, 65535));
  if (const char* v = env("BOUTIQUE_THREADS"); v && *v)
    c.threads = parse_unsigned("BOUTIQUE_THREADS", v, 1, 256);
  c.workers = cpus + 2;
  if (const char* v = env("BOUTIQUE_WORKERS"); v && *v)
    c.workers = parse_unsigned("BOUTIQUE_WORKERS", v, 1, 512);
  if (const char* v = env("BOUTIQUE_QUEUE"); v && *v)
    c.queue = parse_unsigned("BOUTIQUE_QUEUE", v, 1, 100000);
  c.hash_workers = std::max(1u, cpus / 2);
  if (const char* v = env("BOUTIQUE_HASH_WORKERS"); v && *v)
    c.hash_workers = parse_unsigned("BOUTIQUE_HASH_WORKERS", v, 1, 64);
  // About a second of waiting at ~70 ms a hash: longer, and the client is better told to retry.
  c.hash_queue = 16 * std::size_t{c.hash_workers};
  // Every worker can hold a connection at once.
  c.db_pool = c.workers + c.hash_workers;
  if (const char* v = env("BOUTIQUE_DB_POOL"); v && *v)
    c.db_pool = parse_unsigned("BOUTIQUE_DB_POOL", v, 1, 512);
  if (const char* v = env("BOUTIQUE_WORKER_NICE"); v && *v)
    c.worker_nice = static_cast<int>(parse_unsigned("BOUTIQUE_WORKER_NICE", v, 0, 19));
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
  BOUTIQUE_THREADS         network threads (default: half the usable CPUs, at least 1)
  BOUTIQUE_WORKERS         database workers (default: usable CPUs + 2)
  BOUTIQUE_QUEUE           requests waiting for a database worker before 503 (default 1024)
  BOUTIQUE_HASH_WORKERS    password-hashing workers, 64 MiB each (default: usable CPUs / 2, at
                           least 1); 16 logins per worker may wait, more get 503
  BOUTIQUE_DB_POOL         PostgreSQL connections (default: workers + hash workers)
  BOUTIQUE_WORKER_NICE     nice steps of the database workers below the network threads, 0 to
                           19 (default 10: cached reads first when CPUs are short)
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
