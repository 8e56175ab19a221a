#!/usr/bin/env bash
# Runs a command with the project's pinned Node.js and npm first on PATH, installing them first when
# missing (frontend/toolchain/install.sh: the npm registry's official binary, checked against
# frontend/toolchain/package-lock.json). See docs/frontend.md, "Node.js".
#   scripts/node-env.sh node --version
#   cd frontend && ../scripts/node-env.sh npm ci
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/frontend/toolchain/install.sh"
export PATH="$root/frontend/toolchain/node/bin:$PATH"
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
exec "$@"
