#include <unistd.h>

#include <array>

#include <fmt/format.h>
#include <boutique/build_info.hpp>

#include "app/log.hpp"
#include "db/embedded.hpp"
#include "db/errors.hpp"
#include "domain/json_text.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"

namespace boutique::http {
namespace {

std::string hostname() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "unknown";
  return buf.data();
}

}  // namespace

Response Api::info(const Request&) {
  std::optional<db::ServerFacts> facts;
  try {
    facts = store_.server_facts();
  } catch (const db::Unavailable&) {
    // Reported as "down" below: /api/info stays useful while the database is away.
  }
  const auto uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::string body = "{\"name\":\"boutique-api\",\"version\":";
  domain::append_json_string(body, build::version());
  body += ",\"commit\":";
  domain::append_json_string(body, build::commit());
  body += fmt::format(",\"uptime_seconds\":{}", static_cast<long long>(uptime));
  body += ",\"hostname\":";
  domain::append_json_string(body, hostname());
  body += ",\"pod\":";
  if (config_.pod_name) {
    domain::append_json_string(body, *config_.pod_name);
  } else {
    body += "null";
  }
  body += ",\"database\":{\"status\":";
  if (facts) {
    body += "\"up\",\"server_version\":";
    domain::append_json_string(body, facts->server_version);
    body += fmt::format(",\"migration_version\":{},\"migration_expected\":{}}}",
                        facts->migration_version, db::embedded::latest_migration_version());
  } else {
    body += fmt::format(
        "\"down\",\"server_version\":null,\"migration_version\":null,\"migration_expected\":{}}}",
        db::embedded::latest_migration_version());
  }
  body.push_back('}');
  return json_response(200, std::move(body));
}

Response Api::healthz(const Request&) {
  return json_response(200, "{\"status\":\"ok\"}");
}

Response Api::readyz(const Request&) {
  if (!migrated()) throw unavailable("migrations pas encore appliquées");
  int version = 0;
  try {
    version = store_.migration_version();
  } catch (const db::Unavailable& e) {
    // libpq's text names hosts, addresses and ports: it goes to the log, not to any caller.
    app::log::warn("readiness: database unreachable").str("error", e.what());
    throw unavailable("base de données injoignable");
  }
  if (version < db::embedded::latest_migration_version()) {
    throw unavailable(fmt::format("schéma en version {}, {} attendue", version,
                                  db::embedded::latest_migration_version()));
  }
  return json_response(200,
                       fmt::format("{{\"status\":\"ready\",\"migration_version\":{}}}", version));
}

Response Api::metrics(const Request&) {
  const auto stats = store_.pool_stats();
  const auto uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  Response r{200,
             metrics_.render({stats.size, stats.in_use, stats.idle, migrated()}, uptime),
             "text/plain; version=0.0.4; charset=utf-8",
             {},
             {}};
  return r;
}

Response Api::openapi(const Request&) {
  return json_response(200, std::string(db::embedded::openapi_json()));
}

}  // namespace boutique::http
