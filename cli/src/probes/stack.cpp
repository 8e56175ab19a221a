#include "probes/stack.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/http.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::probes {

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

namespace {

core::Check http_row(const char* component, const char* check, const std::string& base,
                     const char* route, const StackUrls& u, const std::string& hint,
                     core::HttpResponse* out = nullptr) {
  if (base.empty()) return {component, check, false, u.unreachable, hint};
  const std::string url = base + route;
  auto r = core::http_get(url, 3s);
  core::Check c{component, check, r.ok(), fmt::format("GET {} -> {}", url, r.describe()), hint};
  if (out) *out = std::move(r);
  return c;
}

}  // namespace

std::vector<core::Check> api_checks(const StackUrls& u, const fs::path& root) {
  const std::string logs = fmt::format("`boutique logs api{}`", u.logs_flags);
  std::vector<core::Check> out;
  out.push_back(http_row("api", "healthz", u.api, "/healthz", u, "see " + logs));
  out.push_back(http_row("api", "readyz", u.api, "/readyz", u,
                         "the API cannot use its database: check the db rows and " + logs));
  // Migration version, as the API reports it, against what it expects (else the newest file in
  // api/migrations).
  core::HttpResponse info;
  core::Check mig = http_row("api", "migrations", u.api, "/api/info", u, "see " + logs, &info);
  if (!u.api.empty()) {
    auto report = info.ok() ? migration_report(info.body) : std::nullopt;
    if (!report) {
      mig.ok = false;
      mig.detail = "GET /api/info -> " + info.describe() +
                   (info.ok() ? ", but not the API's answer (no `database` object)" : "");
    } else {
      int have = report->have;
      int want = report->want;
      const char* from = "reported by the API";
      if (want == 0) {
        want = latest_migration(root);
        from = "latest in api/migrations";
      }
      mig.ok = have > 0 && have >= want;
      mig.detail = want ? fmt::format("version {} ({}: {})", have, from, want)
                        : fmt::format("version {}", have);
      mig.hint = "migrations are applied when the API starts: see " + logs;
    }
  }
  out.push_back(mig);
  return out;
}

std::vector<core::Check> web_checks(const StackUrls& u) {
  const std::string logs = fmt::format("`boutique logs web{}`", u.logs_flags);
  std::vector<core::Check> out;
  core::HttpResponse idx;
  core::Check page = http_row("web", "index.html", u.web, "/", u,
                              "see " + logs + "; the web root must contain index.html", &idx);
  if (!u.web.empty()) {
    page.ok = idx.ok() && idx.content_type.find("text/html") != std::string::npos;
    page.detail += fmt::format(", {} bytes {}", idx.body.size(), idx.content_type);
  }
  out.push_back(page);
  out.push_back(http_row("web", "proxy /api/info", u.web, "/api/info", u,
                         "the web UI cannot reach the API: check the api rows and " + logs));
  return out;
}

}  // namespace boutique::probes
