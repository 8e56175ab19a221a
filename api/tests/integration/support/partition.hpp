// A network partition on one loopback port, made with the kernel's packet filter: while it lasts,
// every TCP segment to or from that port is dropped — no FIN, no RST, only silence, as after a cut
// cable or a lost route. The connections stay open at both ends; the kernel retransmits and gives
// up on its own schedule. Needs root and iptables (scripts/install-deps.sh test); the rules carry a
// comment naming this process, and a stale one from a crashed run is removed by the next.
#pragma once

#include <string>

namespace boutique::it {

class Partition {
 public:
  // Why a partition cannot be made here (not root, no iptables), or empty when it can.
  static std::string unavailable_reason();

  explicit Partition(int port);  // cuts; throws std::runtime_error naming the failing command
  ~Partition();                  // heals
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  void heal();

 private:
  int port_;
  bool active_ = false;
};

}  // namespace boutique::it
