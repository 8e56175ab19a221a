#include "support/partition.hpp"

#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "support/process.hpp"

namespace boutique::it {
namespace {

const std::string kComment = "boutique-it-partition";

std::vector<std::string> rule(const char* action, const char* direction, int port) {
  return {"iptables",
          "-w",
          "5",
          action,
          "INPUT",
          "-i",
          "lo",
          "-p",
          "tcp",
          direction,
          std::to_string(port),
          "-m",
          "comment",
          "--comment",
          kComment + "-" + std::to_string(::getpid()),
          "-j",
          "DROP"};
}

// Rules left by a run that crashed before healing (another pid's comment): deleted.
void remove_stale_rules() {
  const auto listed = run_command({"iptables", "-w", "5", "-S", "INPUT"}, std::chrono::seconds(10));
  std::size_t pos = 0;
  const std::string& text = listed.out;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const std::string line =
        text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.find(kComment) == std::string::npos || !line.starts_with("-A INPUT ")) continue;
    std::vector<std::string> argv = {"iptables", "-w", "5", "-D", "INPUT"};
    std::size_t p = 9;  // after "-A INPUT "
    while (p < line.size()) {
      auto q = line.find(' ', p);
      if (q == std::string::npos) q = line.size();
      std::string word = line.substr(p, q - p);
      if (word.size() >= 2 && word.front() == '"' && word.back() == '"')
        word = word.substr(1, word.size() - 2);
      argv.push_back(word);
      p = q + 1;
    }
    run_command(argv, std::chrono::seconds(10));
  }
}

}  // namespace

std::string Partition::unavailable_reason() {
  if (::geteuid() != 0) return "not root: iptables rules need CAP_NET_ADMIN";
  const auto r = run_command({"iptables", "-w", "5", "-S", "INPUT"}, std::chrono::seconds(10));
  if (r.exit_code != 0)
    return "iptables does not work here (apt-get install iptables): " + r.err + r.out;
  return {};
}

Partition::Partition(int port) : port_(port) {
  remove_stale_rules();
  for (const char* direction : {"--dport", "--sport"}) {
    const auto r = run_command(rule("-I", direction, port_), std::chrono::seconds(10));
    if (r.exit_code != 0) {
      heal();
      throw std::runtime_error("iptables -I failed: " + r.err);
    }
    active_ = true;
  }
}

Partition::~Partition() {
  heal();
}

void Partition::heal() {
  if (!active_) return;
  for (const char* direction : {"--dport", "--sport"})
    run_command(rule("-D", direction, port_), std::chrono::seconds(10));
  active_ = false;
}

}  // namespace boutique::it
