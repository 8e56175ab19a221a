#include "targets/compose/project.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "core/env_file.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::targets::compose {

std::string ComposeProgram::label() const {
  if (argv.size() == 2) return fmt::format("docker compose {} (v2 plugin)", version);
  return fmt::format("docker-compose {}", version);
}

std::optional<ComposeProgram> find_compose(core::ProcessRunner& runner) {
  if (!core::find_program("docker").empty()) {
    // "Docker Compose version v2.27.0"; without the plugin: "docker: unknown command: docker
    // compose", exit 1.
    auto r = runner.run({{"docker", "compose", "version"}, {}, {}, 15s, {}});
    if (r.ok() && r.out.find("Compose") != std::string::npos) {
      std::string v = core::tail_lines(r.out, 1);
      v = v.substr(v.rfind(' ') + 1);
      if (!v.empty() && v[0] == 'v') v.erase(0, 1);
      return ComposeProgram{{"docker", "compose"}, v};
    }
  }
  if (!core::find_program("docker-compose").empty()) {
    auto r = runner.run({{"docker-compose", "version", "--short"}, {}, {}, 15s, {}});
    if (r.ok()) return ComposeProgram{{"docker-compose"}, core::tail_lines(r.out, 1)};
  }
  return std::nullopt;
}

std::optional<fs::path> override_file(const core::Config& cfg, images::EngineKind engine) {
  const std::string& v = cfg.str("compose.override");
  if (v == "none" || v.empty()) return std::nullopt;
  if (v == "auto") {
    if (engine != images::EngineKind::podman) return std::nullopt;
    return cfg.root() / "tests" / "containers" / "compose.test.yaml";
  }
  fs::path p(v);
  return p.is_absolute() ? p : (cfg.root() / p).lexically_normal();
}

std::set<std::string> host_network_services(const std::string& text) {
  std::set<std::string> out;
  YAML::Node doc = YAML::Load(text);
  if (!doc["services"] || !doc["services"].IsMap()) return out;
  for (const auto& s : doc["services"]) {
    const YAML::Node& nm = s.second["network_mode"];
    if (nm && nm.IsScalar() && nm.Scalar() == "host") out.insert(s.first.Scalar());
  }
  return out;
}

std::string strip_ports(const std::string& text, const std::set<std::string>& services) {
  YAML::Node doc = YAML::Load(text);
  YAML::Node all = doc["services"];
  if (all && all.IsMap())
    for (auto s : all)
      if (services.count(s.first.Scalar()) && s.second.IsMap())
        // Every ports: key: yaml-cpp keeps a repeated key, and remove() takes one at a time
        // (found by tests/fuzz, cli_compose; docker-compose v1 reads the last one).
        while (s.second.remove("ports")) {
        }
  YAML::Emitter out;
  out << doc;
  return std::string(out.c_str()) + "\n";
}

std::vector<ComposeBuild> compose_builds(const std::string& text) {
  // Anything but a mapping of service mappings is CommandFailed, never a raw yaml-cpp exception
  // (main() would report it as an internal error; found by tests/fuzz, cli_compose).
  const auto unexpected = [&](const std::string& why) {
    return core::CommandFailed(
        fmt::format("`compose config` printed something that is not a Compose file ({}): {}", why,
                    core::tail_lines(text, 3)));
  };
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw unexpected(e.msg);
  }
  if (!doc.IsMap()) throw unexpected("not a mapping");
  const YAML::Node services = doc["services"];
  if (!services) return {};
  if (!services.IsMap()) throw unexpected("services: is not a mapping");
  std::vector<ComposeBuild> out;
  for (const auto& s : services) {
    const YAML::Node name = s.first;
    const YAML::Node def = s.second;
    if (!name.IsScalar() || !def.IsMap()) throw unexpected("a service is not a mapping");
    const std::string service = name.Scalar();
    if (service == "backend" || service == "frontend" || !def["build"]) continue;
    const YAML::Node image = def["image"];
    out.push_back({service, image && image.IsScalar() ? image.Scalar() : ""});
  }
  return out;
}

ComposeFiles prepare_files(const core::Config& cfg, images::EngineKind engine,
                           const fs::path& dir) {
  const fs::path base = cfg.path("compose.file");
  auto read = [&](const fs::path& p, const char* key) {
    auto text = core::read_text(p);
    if (!text)
      throw core::ConfigError(fmt::format("{} ({}) does not exist", p.string(), key),
                              fmt::format("run from the project's checkout, or set {}", key));
    return *text;
  };
  const std::string base_text = read(base, "compose.file");
  ComposeFiles f;
  auto over = override_file(cfg, engine);
  std::set<std::string> host;
  std::string over_text;
  if (over) {
    over_text = read(*over, "compose.override");
    try {
      host = host_network_services(over_text);
    } catch (const YAML::Exception& e) {
      throw core::ConfigError(fmt::format("{}: invalid YAML: {}", over->string(), e.what()));
    }
  }
  f.host_network = !host.empty();
  if (host.empty()) {
    f.files.push_back(base);
  } else {
    fs::create_directories(dir);
    const fs::path copy = dir / base.filename();
    std::string stripped;
    try {
      stripped = strip_ports(base_text, host);
    } catch (const YAML::Exception& e) {
      throw core::ConfigError(fmt::format("{}: invalid YAML: {}", base.string(), e.what()));
    }
    core::write_text(copy, "# Generated by boutique from " + base.string() +
                               " without the ports: of the host-network services\n" + stripped);
    f.files.push_back(copy);
  }
  if (over) f.files.push_back(*over);
  return f;
}

std::string project_name(const core::Config& cfg, const EnvLookup& getenv) {
  // Compose's own rule, so that a plain `docker compose up` in the checkout (the seed's command)
  // and `boutique up --target compose` are one stack, with one volume: COMPOSE_PROJECT_NAME from
  // the environment, else from the project's .env, else the project directory's name.
  std::string name = cfg.str("project");
  if (name.empty()) {
    if (auto v = getenv("COMPOSE_PROJECT_NAME"); v && !v->empty())
      name = *v;
    else if (auto f = core::env_file_value(cfg.root() / ".env", "COMPOSE_PROJECT_NAME");
             f && !f->empty())
      name = *f;
    else
      name = fs::absolute(cfg.root()).lexically_normal().filename().string();
  }
  // Normalised as both Compose versions do: lower case, [a-z0-9_-] only, starting with a letter
  // or a digit.
  std::string out;
  for (char c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(c)) || ((c == '-' || c == '_') && !out.empty()))
      out += c;
  }
  return out.empty() ? "boutique" : out;
}

std::string project_name(const core::Config& cfg) {
  return project_name(cfg, [](const std::string& key) -> std::optional<std::string> {
    if (const char* v = std::getenv(key.c_str())) return std::string(v);
    return std::nullopt;
  });
}

std::string service_of(const std::string& component) {
  if (component == "api") return "backend";
  if (component == "web") return "frontend";
  return component;
}

std::string component_of(const std::string& service) {
  if (service == "backend") return "api";
  if (service == "frontend") return "web";
  return service;
}

}  // namespace boutique::targets::compose
