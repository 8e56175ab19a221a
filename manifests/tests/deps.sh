#!/usr/bin/env bash
# Sourced by run.sh and kube-play.sh: kubectl present, the project's pinned Node.js first on PATH
# (installed when missing, docs/frontend.md "Node.js"), node_modules following package-lock.json
# (npm ci writes node_modules/.package-lock.json). Runs in manifests/tests/.
../../frontend/toolchain/install.sh
export PATH="$(cd ../../frontend/toolchain/node/bin && pwd):$PATH"
if ! command -v kubectl >/dev/null; then
  echo "manifests/tests: kubectl not found. It renders the overlays (kubectl kustomize, no cluster needed)." >&2
  echo "  Install a kubectl ≥ 1.27 (Debian 12's kubernetes-client 1.20 is too old for these kustomizations)." >&2
  exit 1
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  { echo "manifests/tests: node ≥ 20 needed, found $(node --version)" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
