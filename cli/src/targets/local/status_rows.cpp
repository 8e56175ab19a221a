#include "targets/local/status_rows.hpp"

#include <fmt/format.h>

#include "core/ports.hpp"

using namespace std::chrono_literals;

namespace boutique::targets::local {

bool add_process_and_port(std::vector<core::Check>& out, const std::string& component,
                          const std::string& program, std::optional<pid_t> pid,
                          const std::string& host, int port, const std::string& hint) {
  out.push_back({component, "process", pid.has_value(),
                 pid ? fmt::format("{} pid {}", program, *pid) : "not running", hint});
  bool listening = core::port_accepts(host, port, 500ms);
  out.push_back({component, "port", listening,
                 fmt::format("{}:{} {}", host, port, listening ? "listening" : "not listening"),
                 "run `boutique up`"});
  return listening;
}

}  // namespace boutique::targets::local
