#pragma once
// The API process of the local target: build/bin/boutique-api, detached, pid file, log file.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"
#include "targets/local/layout.hpp"
#include "targets/local/start_wait.hpp"
#include "targets/local/status_rows.hpp"
#include "targets/local/urls.hpp"

namespace boutique::targets::local {

class Api {
 public:
  Api(core::Context& ctx, const Layout& layout);

  // local.api_binary, else boutique-api next to this executable, else <root>/build/bin.
  std::filesystem::path binary() const;
  std::optional<pid_t> pid() const;
  // The running API's executable was replaced since it started (rebuilt: `make up` after a change).
  bool binary_replaced(pid_t pid) const;
  pid_t start(const std::map<std::string, std::string>& env);
  void wait_ready(std::chrono::steady_clock::time_point deadline);
  void stop(std::chrono::milliseconds grace);
  std::vector<core::Check> checks();
  std::filesystem::path log() const { return layout_.logs() / "api.log"; }
  int port() const;
  std::string base_url() const;

 private:
  std::filesystem::path pid_file() const { return layout_.run() / "api.pid"; }
  core::Context& ctx_;
  const Layout& layout_;
};

}  // namespace boutique::targets::local
