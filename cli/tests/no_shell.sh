#!/usr/bin/env bash
# No shell between our programs and the programs they run (docs/security.md): every external
# program goes through ProcessRunner (posix_spawnp, an argv vector). Fails on any system(), popen(),
# exec*() outside the runner, or a shell started with a command string, in cli/src or api/src.
#   no_shell.sh SOURCE_DIR
set -euo pipefail
root=${1:?usage: $0 SOURCE_DIR}
dirs=("$root/cli/src" "$root/api/src")
files=$(find "${dirs[@]}" -name '*.cpp' -o -name '*.hpp' -o -name '*.in' | wc -l)
[ "$files" -gt 20 ] || { echo "no-shell: only $files sources under ${dirs[*]}: wrong SOURCE_DIR?" >&2; exit 1; }
pattern='\b(system|popen|execl|execlp|execle|execv|execvp|execvpe|wordexp)[[:space:]]*\(|"/bin/(ba|da)?sh"|"(ba|da)?sh"[[:space:]]*,[[:space:]]*"-c"'
if hits=$(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.in' "$pattern" "${dirs[@]}"); then
  echo "no-shell: a shell or an unchecked exec in the sources (use core::ProcessRunner with an argv):" >&2
  echo "$hits" >&2
  exit 1
fi
grep -q 'posix_spawnp' "$root/cli/src/core/process.cpp" || { echo "no-shell: the runner no longer uses posix_spawnp" >&2; exit 1; }
echo "no-shell: $files sources, no system/popen/exec*/sh -c"
