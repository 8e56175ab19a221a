#pragma once
// The web UI of the local target: our own nginx instance (never the system service) serving the
// built frontend (or a generated placeholder page until the frontend exists) and proxying /api/.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/output.hpp"
#include "targets/local/layout.hpp"

namespace boutique::targets::local {

// Replaces ${NAME} for every NAME in `vars`; throws ConfigError if a ${BOUTIQUE_...} placeholder is
// left (nginx's own $variables are untouched).
std::string render_template(const std::string& text,
                            const std::map<std::string, std::string>& vars);
// frontend/nginx/boutique.conf.template from the project, else the copy built into the binary.
std::string nginx_template(const std::filesystem::path& root);
class Web {
 public:
  Web(core::Context& ctx, const Layout& layout);

  // Throws MissingPrerequisite when nginx (or npm, for a UI that needs building) is missing.
  void preflight() const;
  // Builds the UI when needed (npm ci && npm run build) or writes the placeholder page; decides
  // the web root.
  void prepare_ui();
  // Renders nginx.conf + boutique.conf; true when they changed. Validates with `nginx -t`.
  bool write_config(const std::string& api_upstream);
  std::optional<pid_t> pid() const;
  pid_t start();  // returns the nginx master's pid
  void reload();
  void wait_ready(std::chrono::steady_clock::time_point deadline);
  void stop(std::chrono::milliseconds grace);
  std::vector<core::Check> checks();

  int port() const;
  std::string base_url() const;
  std::filesystem::path error_log() const { return layout_.logs() / "web.log"; }
  std::filesystem::path access_log() const { return layout_.logs() / "web-access.log"; }

 private:
  std::filesystem::path nginx() const;
  std::vector<std::string> nginx_argv() const;
  std::filesystem::path pid_file() const { return layout_.run() / "web.pid"; }
  void check_readable_by_workers();
  void relocate_if_unreadable();

  core::Context& ctx_;
  const Layout& layout_;
  std::filesystem::path web_root_;
};

}  // namespace boutique::targets::local
