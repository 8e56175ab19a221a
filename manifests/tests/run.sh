#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests (no cluster): every overlay rendered with
# `kubectl kustomize`, every object checked against the Kubernetes schemas (unknown fields included)
# and the project's policies, and every mutated case under negative/ proven to fail.
#   manifests/tests/run.sh            ≈ 20 s (+ ≈ 5 s for npm ci the first time)
# Needs kubectl ≥ 1.27 (kustomize v5) and node ≥ 20. See docs/kubernetes.md "Validation".
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"

if ! command -v kubectl >/dev/null; then
  echo "manifests/tests: kubectl not found. It renders the overlays (kubectl kustomize, no cluster needed)." >&2
  echo "  Install a kubectl ≥ 1.27 (Debian 12's kubernetes-client 1.20 is too old for these kustomizations)." >&2
  exit 1
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  { echo "manifests/tests: node ≥ 20 needed, found $(node --version)" >&2; exit 1; }

# node_modules follows package-lock.json (npm ci writes node_modules/.package-lock.json).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node --test test/
