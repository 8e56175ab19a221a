#pragma once
// The local target: PostgreSQL, the API and nginx as plain processes under a state directory.
#include "targets/local/api.hpp"
#include "targets/local/layout.hpp"
#include "targets/local/postgres.hpp"
#include "targets/local/web.hpp"
#include "targets/target.hpp"

namespace boutique::targets::local {

class LocalTarget final : public Target {
 public:
  explicit LocalTarget(core::Context& ctx);
  std::string name() const override { return "local"; }
  UpSummary up(const UpOptions& opts) override;
  void down(const DownOptions& opts) override;
  std::vector<core::Check> status() override;
  void logs(const LogsOptions& opts) override;
  std::vector<core::Check> prerequisites() override;
  std::vector<state::Secret> secrets() const override;
  bool runs_images() const override { return false; }
  std::unique_ptr<Database> database() override;
  int dev(const dev::Options& opts) override;

 private:
  std::string admin_password();
  void remove_volumes();

  core::Context& ctx_;
  Layout layout_;
  Postgres db_;
  Api api_;
  Web web_;
};

}  // namespace boutique::targets::local
