#include "targets/local/api.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/http.hpp"
#include "core/system.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::local {

int latest_migration(const fs::path& root) {
  int best = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root / "api" / "migrations", ec)) {
    const std::string n = e.path().filename().string();
    if (e.path().extension() != ".sql") continue;
    std::size_t i = 0;
    while (i < n.size() && std::isdigit(static_cast<unsigned char>(n[i]))) ++i;
    if (i > 0 && i < 10) best = std::max(best, std::stoi(n.substr(0, i)));
  }
  return best;
}

namespace {

int version_of(const nlohmann::json& v) {
  constexpr std::int64_t max = std::numeric_limits<int>::max();
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= max ? v.get<int>() : 0;
  if (v.is_number_integer()) {
    auto n = v.get<std::int64_t>();
    return n >= 0 && n <= max ? static_cast<int>(n) : 0;
  }
  if (!v.is_string()) return 0;
  const auto& s = v.get_ref<const std::string&>();
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() && n >= 0 ? n : 0;
}

}  // namespace

std::optional<MigrationReport> migration_report(std::string_view info_body) {
  auto j = nlohmann::json::parse(info_body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto db = j.find("database");
  if (db == j.end() || !db->is_object()) return std::nullopt;
  MigrationReport r;
  if (auto v = db->find("migration_version"); v != db->end()) r.have = version_of(*v);
  if (auto v = db->find("migration_expected"); v != db->end()) r.want = version_of(*v);
  return r;
}

Api::Api(core::Context& ctx, const Layout& layout) : ctx_(ctx), layout_(layout) {}

int Api::port() const {
  return ctx_.config.integer("ports.api");
}

std::string Api::base_url() const {
  return local_url(ctx_, port());
}

fs::path Api::binary() const {
  fs::path configured = ctx_.config.path("local.api_binary");
  if (!configured.empty()) return configured;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(self.parent_path() / "boutique-api"))
    return self.parent_path() / "boutique-api";
  return layout_.root / "build" / "bin" / "boutique-api";
}

std::optional<pid_t> Api::pid() const {
  return core::read_live_pid(pid_file());
}

bool Api::binary_replaced(pid_t pid) const {
  std::error_code ec;
  std::string exe = fs::read_symlink(fmt::format("/proc/{}/exe", pid), ec).string();
  const std::string deleted = " (deleted)";
  return !ec && exe.size() > deleted.size() &&
         exe.compare(exe.size() - deleted.size(), deleted.size(), deleted) == 0;
}

pid_t Api::start(const std::map<std::string, std::string>& env) {
  fs::path bin = binary();
  if (::access(bin.c_str(), X_OK) != 0)
    throw core::MissingPrerequisite(
        fmt::format("the API binary {} is missing (or not executable)", bin.string()),
        "build it: make  (or cmake --build build --target boutique-api), or set local.api_binary");
  require_port_free(ctx_.config.str("local.bind"), port(), "ports.api", "BOUTIQUE_API_PORT", "API");
  pid_t p = ctx_.runner->spawn_detached({{bin.string()}, env, layout_.root, log()});
  core::write_pid_file(pid_file(), p);
  return p;
}

void Api::wait_ready(Clock::time_point deadline) {
  wait_http_ready(ctx_, "the API", base_url(), "/readyz", pid_file(), log(), deadline);
}

void Api::stop(std::chrono::milliseconds grace) {
  auto p = pid();
  if (p && !core::stop_process(*p, SIGTERM, grace))
    throw core::TimeoutError(fmt::format("the API (pid {}) did not stop", *p));
  std::error_code ec;
  fs::remove(pid_file(), ec);
}

std::vector<core::Check> Api::checks() {
  std::vector<core::Check> out;
  bool listening = add_process_and_port(
      out, "api", "boutique-api", pid(), probe_host(ctx_.config.str("local.bind")), port(),
      "run `boutique up` (restarts only what is down); see `boutique logs api`");
  for (const char* route : {"/healthz", "/readyz"}) {
    core::HttpResponse r;
    if (listening) r = core::http_get(base_url() + route, 2s);
    out.push_back({"api", route + 1, r.ok(),
                   listening ? fmt::format("GET {} -> {}", route, r.describe()) : "port closed",
                   std::string(route) == "/readyz"
                       ? "the API cannot use its database: check `boutique status` db rows and "
                         "`boutique logs api`"
                       : "see `boutique logs api`"});
  }
  // Migration version, as the API reports it, against the newest file in api/migrations.
  core::Check mig{"api", "migrations", false, "port closed", "see `boutique logs api`"};
  if (listening) {
    auto r = core::http_get(base_url() + "/api/info", 2s);
    auto report = r.ok() ? migration_report(r.body) : std::nullopt;
    if (!report) {
      mig.detail = "GET /api/info -> " + r.describe() +
                   (r.ok() ? ", but not the API's answer (no `database` object)" : "");
    } else {
      // Expected: what the running binary says it needs, else the newest file in api/migrations.
      int have = report->have;
      int want = report->want;
      const char* from = "reported by the API";
      if (want == 0) {
        want = latest_migration(layout_.root);
        from = "latest in api/migrations";
      }
      mig.ok = have > 0 && have >= want;
      mig.detail = want ? fmt::format("version {} ({}: {})", have, from, want)
                        : fmt::format("version {}", have);
      mig.hint = "migrations are applied when the API starts: see `boutique logs api`";
    }
  }
  out.push_back(mig);
  return out;
}

}  // namespace boutique::targets::local
