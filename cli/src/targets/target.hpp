#pragma once
// Where the stack runs. `boutique up/down/status/logs` talk to this interface only; local runs
// plain processes, compose runs the images with Compose, k8s applies the kustomize overlay
// (targets/k8s) through its Deployer. Images are built by images::Builder (`boutique build`).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/errors.hpp"
#include "core/output.hpp"
#include "dev/changes.hpp"
#include "stages/stages.hpp"
#include "state/state_dir.hpp"
#include "targets/database.hpp"
#include "targets/deployer.hpp"

namespace boutique::targets {

struct UpOptions {
  std::vector<std::string> components;  // empty: all (db, api, web)
  std::optional<int> timeout_s;         // overrides health_timeout
};

struct UpSummary {
  std::vector<std::string> started;                       // parts started by this run
  std::vector<std::string> already;                       // parts that were already up
  std::vector<std::pair<std::string, std::string>> urls;  // label, URL
  std::string admin_email, admin_password;
  bool demo_accounts = true;  // false: seed_demo is off, the API creates no admin account
};

struct DownOptions {
  bool volumes = false;
  bool yes = false;
};

struct LogsOptions {
  std::string component;  // empty: all
  bool follow = false;
  int tail = 50;
  std::string since;      // k8s: only lines newer than this duration (kubectl's --since)
  bool previous = false;  // k8s: the previous container's logs (after a restart)
};

class Target {
 public:
  virtual ~Target() = default;
  virtual std::string name() const = 0;
  virtual UpSummary up(const UpOptions& opts) = 0;
  virtual void down(const DownOptions& opts) = 0;
  virtual std::vector<core::Check> status() = 0;
  virtual void logs(const LogsOptions& opts) = 0;
  // The tools this target needs, found or not, with the one-line fix (`boutique doctor`).
  virtual std::vector<core::Check> prerequisites() = 0;
  // The passwords this target keeps or hands to the stack, and where each comes from
  // (`boutique config --show-secrets`).
  virtual std::vector<state::Secret> secrets() const = 0;
  // A target that deploys to a cluster: `up` there is Infrastructure Check, Build Images, Deploy
  // and Validation, and `deploy`/`urls` work. nullptr for targets that start the stack themselves.
  virtual Deployer* deployer() { return nullptr; }
  // The stack's database for `backup` and `restore` (targets/database.hpp); nullptr where this
  // version cannot reach it yet (exit 7).
  virtual std::unique_ptr<Database> database() { return nullptr; }
  // false for a target that runs the native binaries `make` builds: no images to build.
  virtual bool runs_images() const { return true; }
  // `boutique dev` on a target that runs native binaries (local): its own loop, until Ctrl-C.
  // Targets that run images share commands/dev.cpp's loop (rebuild the image, redeploy it).
  virtual int dev(const dev::Options&) {
    throw core::NotImplemented("boutique dev: this target has no loop of its own");
  }
};

// What the pipeline's stages need to know of a target.
stages::TargetTraits stage_traits(Target& target);

// The parts asked for on the command line (empty: all), in db, api, web order; the API implies
// its database. ConfigError for an unknown one.
std::vector<std::string> resolve_components(const std::vector<std::string>& asked);

// The configured target.
std::unique_ptr<Target> make_target(core::Context& ctx);
// The target `deploy` and `urls` act on: the configured one when it deploys to a cluster, else
// the k8s target (the one that does), so `boutique deploy` needs no --target.
std::unique_ptr<Target> make_deploy_target(core::Context& ctx);

}  // namespace boutique::targets
