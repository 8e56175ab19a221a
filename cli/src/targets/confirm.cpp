#include "targets/confirm.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace boutique::targets {

void confirm_delete(const std::string& what, bool yes) {
  if (yes) return;
  if (!::isatty(STDIN_FILENO))
    throw core::Aborted(fmt::format("refusing to delete {} without confirmation", what),
                        "add --yes to confirm non-interactively");
  std::fprintf(stderr, "Delete all Boutique data in %s (database included)? [y/N] ", what.c_str());
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "y" && answer != "Y" && answer != "yes")
    throw core::Aborted("nothing deleted", "answer y to confirm, or pass --yes");
}

}  // namespace boutique::targets
