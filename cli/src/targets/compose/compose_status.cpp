// The compose target's health: `status` rows and the wait at the end of `up`. Both probe over
// HTTP and read the containers from the engine; Compose's own health status is never used
// (podman here never runs healthchecks on a timer).
#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/http.hpp"
#include "core/interrupt.hpp"
#include "probes/stack.hpp"
#include "targets/compose/compose_target.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace boutique::targets::compose {
namespace {

struct Probe {
  std::string component, check, url;
};

}  // namespace

std::vector<core::Check> ComposeTarget::status() {
  images::Engine eng(*ctx_.runner, engine());
  const std::string project = project_name(ctx_.config);
  const auto t0 = Clock::now();
  const auto containers = eng.containers(project);
  std::vector<core::Check> out;
  for (const std::string comp : {"db", "api", "web"}) {
    const std::string service = service_of(comp);
    const images::Container* c = images::find_service(containers, service);
    const std::string hint = fmt::format("boutique up --target compose; boutique logs {}", comp);
    if (!c) {
      out.push_back({comp, "container", false,
                     fmt::format("no container of service {} in project {}", service, project),
                     hint});
      continue;
    }
    out.push_back({comp, "container", c->running(),
                   fmt::format("{}: {} ({})", c->name, c->status, c->image), hint});
    if (!c->running()) continue;
    auto [ok, detail] = eng.health(*c);
    out.push_back({comp, "healthcheck", ok, detail, "boutique logs " + comp});
  }
  const probes::StackUrls urls{api_url(), web_url(), "", ""};
  for (auto rows : {probes::api_checks(urls, ctx_.config.root()), probes::web_checks(urls)})
    out.insert(out.end(), rows.begin(), rows.end());
  const double each =
      std::chrono::duration<double>(Clock::now() - t0).count() / static_cast<double>(out.size());
  for (auto& c : out) c.seconds = each;
  return out;
}

void ComposeTarget::wait_healthy(const std::vector<std::string>& services,
                                 Clock::time_point deadline) {
  auto wants = [&](const char* s) {
    return std::find(services.begin(), services.end(), s) != services.end();
  };
  std::vector<Probe> probes;
  if (wants("backend")) probes.push_back({"api", "readyz", api_url() + "/readyz"});
  if (wants("frontend")) probes.push_back({"web", "index.html", web_url() + "/"});
  if (wants("frontend") && wants("backend"))
    probes.push_back({"web", "proxy /api/info", web_url() + "/api/info"});
  std::vector<std::string> urls;
  for (const auto& p : probes) urls.push_back(p.url);
  auto step =
      ctx_.progress->step(probes.empty() ? std::string("Waiting for the containers")
                                         : fmt::format("Waiting for {}", fmt::join(urls, ", ")));
  images::Engine eng(*ctx_.runner, engine());
  const std::string project = project_name(ctx_.config);
  auto last_ps = Clock::now() - 1h;
  std::string last_answer;
  std::size_t next = 0;  // probes pass in order; a passed one is not asked again
  while (true) {
    core::throw_if_interrupted();
    while (next < probes.size()) {
      auto r = core::http_get(probes[next].url, 2s);
      if (!r.ok()) {
        last_answer = fmt::format("GET {} -> {}", probes[next].url, r.describe());
        break;
      }
      ++next;
    }
    // Every 2 s: a container that stopped will not become healthy: say why at once.
    if (Clock::now() - last_ps > 2s || next == probes.size()) {
      last_ps = Clock::now();
      const auto all = eng.containers(project);
      bool all_running = true;
      for (const auto& s : services) {
        const images::Container* c = images::find_service(all, s);
        if (c && c->running()) continue;
        all_running = false;
        if (!c) continue;  // not created yet
        step.fail();
        auto logs = compose({"logs", "--no-color", "--tail", "20", s}, 30s);
        throw core::CommandFailed(
            fmt::format("{} ({}) stopped during start-up: {}. Last lines of its log:\n{}",
                        component_of(s), c->name, c->status, core::tail_lines(logs.out, 20)),
            "fix the cause above, then `boutique up --target compose` again");
      }
      if (all_running && next == probes.size()) break;
    }
    if (Clock::now() >= deadline) {
      step.fail();
      throw core::TimeoutError(
          fmt::format("the stack was not healthy before the deadline (last answer: {})",
                      last_answer.empty() ? "containers not running" : last_answer),
          "boutique status --target compose; boutique logs --target compose; raise "
          "health_timeout or `up --timeout`");
    }
    std::this_thread::sleep_for(250ms);
  }
  step.done();
}

}  // namespace boutique::targets::compose
