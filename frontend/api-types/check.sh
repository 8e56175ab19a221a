#!/usr/bin/env bash
# Generates the UI's API types (../src/api/schema.ts) from api/openapi.json with openapi-typescript,
# or, with --check, fails when the document breaks a rule of Spectral's `oas` ruleset (warnings
# included: .spectral.yaml) or the checked-in file is not what the generator makes of the current
# document (run by frontend/scripts/test-all.sh, so by `make test`).
# Usage: frontend/api-types/check.sh [--check]     (the pinned Node.js must be on PATH)
set -euo pipefail
cd "$(dirname "$0")"
target=../src/api/schema.ts

# npm ci only when node_modules does not match the lockfile (same stamp as test-all.sh).
stamp=node_modules/.boutique-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi

if [ "${1:-}" != "--check" ]; then
  npx openapi-typescript ../../api/openapi.json --alphabetize --output "$target"
  exit 0
fi
# The document itself: valid OpenAPI, every operation tagged and described (Spectral, oas rules).
npx spectral lint ../../api/openapi.json --ruleset .spectral.yaml --fail-severity=warn --quiet ||
  { echo "api/openapi.json breaks Spectral's oas rules (above)" >&2; exit 1; }
echo "api/openapi.json passes Spectral's oas rules, warnings included"
tmp=$(mktemp --suffix=.ts)
trap 'rm -f "$tmp"' EXIT
npx openapi-typescript ../../api/openapi.json --alphabetize --output "$tmp" >/dev/null
if ! diff -u "$target" "$tmp" >&2; then
  echo "frontend/src/api/schema.ts is not generated from the current api/openapi.json:" \
    "run frontend/api-types/check.sh and commit the result" >&2
  exit 1
fi
echo "src/api/schema.ts matches api/openapi.json"
