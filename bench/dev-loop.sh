#!/usr/bin/env bash
# How long `boutique dev`'s loops take on the local target (docs/performance.md, "The edit loop"):
#   api: from saving a change to api/src/http/api_systeme.cpp to GET /api/info answering with it
#        (watcher, debounce, incremental CMake build of boutique-api, restart, /readyz);
#   ui:  from saving a change to frontend/src/App.tsx to Chromium showing it (Vite's hot update).
# It works on a throwaway copy of the checkout (tracked and untracked files, not ignored ones: the
# checkout itself is never edited) with its own CMake build dir (the `dev` preset, what `make up`
# builds), state dir and free ports, and takes ROUNDS saves of each kind (default 5).
# Needs: the checkout's build (make), frontend/node_modules (make test-frontend or npm ci), Chromium.
# Usage: bench/dev-loop.sh [ROUNDS]      KEEP=1 keeps the copy and its stack's data in /tmp.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
[[ $rounds =~ ^[1-9][0-9]?$ ]] || { echo "dev-loop: ROUNDS must be 1-99, not '$rounds'" >&2; exit 2; }
say() { echo "dev-loop: $*" >&2; }
die() { say "$*"; exit 1; }
source "$root/bench/lib.sh"
cli=${BOUTIQUE_CLI_BIN:-$root/build/bin/boutique}
[ -x "$cli" ] || die "no $cli: build it first (make)"
[ -d "$root/frontend/node_modules/vite" ] || die "no frontend/node_modules: cd frontend && npm ci"
export PATH=$root/frontend/toolchain/node/bin:$PATH

work=$(mktemp -d /tmp/boutique-dev-loop.XXXXXX)
chmod 755 "$work"
copy=$work/project
dev_pid=
cleanup() {
  rc=$?
  if [ -n "$dev_pid" ] && kill -0 "$dev_pid" 2>/dev/null; then
    kill -INT "$dev_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$dev_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  [ "$rc" = 0 ] || { say "dev's output:"; tail -n 30 "$work/dev.log" >&2 || true; }
  (cd "$copy" 2>/dev/null && BOUTIQUE_STATE_DIR=$work/state "$cli" down --volumes --yes >/dev/null 2>&1) || true
  if [ "${KEEP:-}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "copying the checkout to $copy"
mkdir -p "$copy"
(cd "$root" && git ls-files -z -co --exclude-standard | xargs -0 cp -P --parents -t "$copy")
ln -s "$root/frontend/node_modules" "$copy/frontend/node_modules"
[ -d "$root/frontend/toolchain/node" ] && ln -s "$root/frontend/toolchain/node" "$copy/frontend/toolchain/node"
# As old as the installed modules: dev finds them up to date and runs no `npm ci`.
touch -r "$root/frontend/node_modules/.package-lock.json" "$copy/frontend/package-lock.json"
say "building boutique-api in the copy (the dev preset; ccache makes a second run quick)"
(cd "$copy" && cmake --preset dev >"$work/cmake.log" 2>&1 && cmake --build build --target boutique-api >>"$work/cmake.log" 2>&1) ||
  die "the copy's build failed: $work/cmake.log"

api_port=$(free_port) web_port=$(free_port) db_port=$(free_port)
(cd "$copy" && exec env BOUTIQUE_STATE_DIR="$work/state" BOUTIQUE_API_BINARY="$copy/build/bin/boutique-api" BOUTIQUE_API_PORT="$api_port" \
  BOUTIQUE_WEB_PORT="$web_port" BOUTIQUE_DB_PORT="$db_port" NO_COLOR=1 \
  setsid "$cli" dev >"$work/dev.log" 2>&1 </dev/null) &
dev_pid=$!
for _ in $(seq 1 1200); do
  grep -q '^Watching' "$work/dev.log" && break
  kill -0 "$dev_pid" 2>/dev/null || die "boutique dev ended during start-up"
  sleep 0.1
done
grep -q '^Watching' "$work/dev.log" || die "boutique dev did not start within 120 s"
say "boutique dev runs: API on :$api_port, Vite on :$web_port"

# ---- api: the name /api/info reports, changed at each round
src=$copy/api/src/http/api_systeme.cpp
grep -q '{\\"name\\":\\"boutique-api\\"' "$src" || die "$src: the marker to edit is gone; update this script"
prev=boutique-api
api_ms=()
for i in $(seq 1 "$rounds"); do
  next="boutique-api-r$i"
  t0=$(now_ms)
  sed -i "s/{\\\\\"name\\\\\":\\\\\"$prev\\\\\"/{\\\\\"name\\\\\":\\\\\"$next\\\\\"/" "$src"
  grep -q "$next" "$src" || die "could not edit $src"
  until curl -fsS --max-time 2 "http://127.0.0.1:$api_port/api/info" 2>/dev/null | grep -q "\"$next\""; do
    [ $(($(now_ms) - t0)) -lt 300000 ] || die "round $i: the API did not answer with the change within 300 s"
    kill -0 "$dev_pid" 2>/dev/null || die "boutique dev ended"
    sleep 0.02
  done
  api_ms+=($(($(now_ms) - t0)))
  prev=$next
  say "api round $i: ${api_ms[-1]} ms"
done

# ---- ui: Chromium on Vite's page, App.tsx's footer changed at each round
node "$root/bench/dev-loop-ui.mjs" "http://127.0.0.1:$web_port/" "$copy/frontend/src/App.tsx" "$rounds" \
  "$root/frontend" >"$work/ui.json"
grep -h '' "$work/dev.log" | grep -E '^api  answering' >&2 || true

"$PY" - "$work/ui.json" "${api_ms[@]}" <<'PY'
import json, statistics, sys
ui = json.load(open(sys.argv[1]))["ms"]
api = [int(x) for x in sys.argv[2:]]
def row(name, xs):
    print(f"{name:<36} median {statistics.median(xs):>6.0f} ms   min {min(xs):>6} ms   max {max(xs):>6} ms   (n={len(xs)})")
print("boutique dev, local target (dev preset build, 2 cores)")
row("save api/…/api_systeme.cpp -> /api/info", api)
row("save frontend/src/App.tsx -> Chromium", ui)
PY
