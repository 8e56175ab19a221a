#!/usr/bin/env bash
# Every frontend check, in order, stopping at the first failure:
#   npm ci (skipped when node_modules matches package-lock.json), src/api/schema.d.ts generated from
#   the current api/openapi.json, type check, oxlint, Prettier,
#   Vitest, production build + bundle budget, Playwright E2E against the real stack.
# The E2E harness starts PostgreSQL, boutique-api and nginx with `boutique up` on a state directory of
# its own; it needs the CLI and the API binary (BOUTIQUE_CLI, BOUTIQUE_API_BIN, default
# build/bin/boutique and build/bin/boutique-api from the repository root) and /usr/bin/chromium
# (scripts/install-deps.sh ui).
# Usage: frontend/scripts/test-all.sh [--no-e2e]
set -euo pipefail

cd "$(dirname "$0")/.."
repo_root=$(cd .. && pwd)
# The project's pinned Node.js and npm (docs/frontend.md, "Node.js"), installed when missing.
toolchain/install.sh
export PATH="$PWD/toolchain/node/bin:$PATH"
run_e2e=1
[ "${1:-}" = "--no-e2e" ] && run_e2e=0

step() {
  local name=$1
  shift
  local start=$SECONDS
  echo "== frontend: $name"
  "$@"
  echo "== frontend: $name ok ($((SECONDS - start)) s)"
}

install() {
  local stamp=node_modules/.boutique-lock.sha256
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "node_modules matches package-lock.json: npm ci skipped"
    return 0
  fi
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
}

preflight_e2e() {
  local api_bin=${BOUTIQUE_API_BIN:-build/bin/boutique-api}
  case "$api_bin" in /*) ;; *) api_bin="$repo_root/$api_bin" ;; esac
  [ -x "$api_bin" ] || { echo "frontend: $api_bin is missing: build the API first (make) or set BOUTIQUE_API_BIN" >&2; exit 1; }
  local cli=${BOUTIQUE_CLI:-build/bin/boutique}
  case "$cli" in /*) ;; *) cli="$repo_root/$cli" ;; esac
  [ -x "$cli" ] || { echo "frontend: $cli is missing: build it first (make) or set BOUTIQUE_CLI" >&2; exit 1; }
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "frontend: chromium is missing: scripts/install-deps.sh ui" >&2; exit 1; }
  command -v nginx >/dev/null || { echo "frontend: nginx is missing: scripts/install-deps.sh run" >&2; exit 1; }
}

total=$SECONDS
step "npm ci" install
step "API types current (api-types/check.sh)" api-types/check.sh --check
step "type check" npm run -s typecheck
step "lint (oxlint)" npm run -s lint
step "format (prettier --check)" npm run -s format:check
step "unit tests (vitest)" npx vitest run
step "build" npm run -s build
step "bundle size" node scripts/bundle-size.mjs
if [ "$run_e2e" = 1 ]; then
  preflight_e2e
  step "e2e (playwright)" npx playwright test
fi
echo "== frontend: all checks passed in $((SECONDS - total)) s"
