#include "targets/confirm.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace boutique::targets {

void confirm(const std::string& question, const std::string& declined, bool yes,
             const std::string& without_terminal) {
  if (yes) return;
  if (!::isatty(STDIN_FILENO))
    throw core::Aborted(without_terminal.empty()
                            ? fmt::format("{}: not confirmed (no terminal to ask)", declined)
                            : without_terminal,
                        "add --yes to confirm non-interactively");
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "y" && answer != "Y" && answer != "yes")
    throw core::Aborted(declined, "answer y to confirm, or pass --yes");
}

void confirm_delete(const std::string& what, bool yes) {
  confirm(fmt::format("Delete all Boutique data in {} (database included)?", what),
          "nothing deleted", yes, fmt::format("refusing to delete {} without confirmation", what));
}

}  // namespace boutique::targets
