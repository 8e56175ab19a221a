#pragma once
// The API's configuration: environment variables only (12-factor), validated at start-up.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace boutique::app {

enum class LogFormat { kJson, kText };

struct Config {
  std::string database_url = "postgresql://boutique@127.0.0.1:5432/boutique";
  std::string bind = "0.0.0.0";
  std::uint16_t port = 5000;
  unsigned threads = 2;       // network threads (Pistache's reactors)
  unsigned workers = 4;       // database workers: handlers that query PostgreSQL
  std::size_t queue = 1024;   // requests that may wait for a database worker
  unsigned hash_workers = 1;  // hashing workers: login and registration (argon2id, 64 MiB each)
  std::size_t hash_queue = 16;
  unsigned db_pool = 5;
  int worker_nice = 10;  // database workers run this many nice steps below the network threads
  std::vector<std::string> cors_origins;
  LogFormat log_format = LogFormat::kJson;
  bool seed_demo = false;
  std::string admin_email = "admin@boutique.local";
  std::optional<std::string> admin_password;
  std::optional<std::string> user_password;
  std::optional<std::string> pod_name;  // POD_NAME (Kubernetes downward API), shown by /api/info
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using EnvLookup = std::function<const char*(const char*)>;

// The CPUs this process may run on: its affinity mask, capped by its cgroup's CPU quota
// (/sys/fs/cgroup/cpu.max, as a Kubernetes CPU limit sets it). At least 1.
unsigned usable_cpus();
// The same rule on given inputs: `cpu_max` is cpu.max's text ("max 100000", "150000 100000").
unsigned usable_cpus(unsigned affinity, std::string_view cpu_max);

// Reads every setting; throws ConfigError naming the variable and what is expected. `cpus` sizes
// the defaults (usable_cpus() unless given).
Config load_config(const EnvLookup& env, unsigned cpus);
Config load_config(const EnvLookup& env);

// The table printed by --help.
std::string config_help();

}  // namespace boutique::app
