#pragma once
// `down --volumes` asks before deleting data, and the k8s target before touching a cluster that is
// not a local one: on a terminal a y/N question, otherwise (Jenkins, pipes) it refuses unless
// --yes. Shared by every target.
#include <string>

namespace boutique::targets {

// Returns when confirmed (or `yes`); throws Aborted (exit 8) otherwise. `what` completes
// "Delete all Boutique data in ...?".
void confirm_delete(const std::string& what, bool yes);

// The same for any action: `question` ends with '?'; declined: Aborted with `declined` as its
// message; no terminal to ask: Aborted with `without_terminal` (empty: "<declined>: not
// confirmed (no terminal to ask)").
void confirm(const std::string& question, const std::string& declined, bool yes,
             const std::string& without_terminal = {});

}  // namespace boutique::targets
