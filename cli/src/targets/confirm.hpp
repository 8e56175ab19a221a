#pragma once
// `down --volumes` asks before deleting data: on a terminal a y/N question, otherwise (Jenkins,
// pipes) it refuses unless --yes. Shared by every target.
#include <string>

namespace boutique::targets {

// Returns when confirmed (or `yes`); throws Aborted (exit 8) otherwise. `what` completes
// "Delete all Boutique data in ...?".
void confirm_delete(const std::string& what, bool yes);

}  // namespace boutique::targets
