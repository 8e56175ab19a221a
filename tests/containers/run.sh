#!/usr/bin/env bash
# Container tests: real images built by podman from the project's Dockerfiles, run for real.
#   tests/containers/run.sh                  build + run every check (≈1 min warm, ≈6 min cold)
#   tests/containers/run.sh --clean-images   remove the images these tests tag (kept as a build cache)
# Needs root (rootful podman) and the packages of `scripts/install-deps.sh containers` (installed here
# when missing). Host networking only, all traffic to 127.0.0.1. Exit 0 when every check passed.
#
# What stands in for what (no registry here, see docs/containers.md):
#   debian:bookworm-slim  local image debootstrapped by scripts/podman-env.sh (cached)
#   postgres:15           scripts/pg-cluster.sh for the image checks; for compose, a locally built
#                         stand-in image (tests/containers/postgres) with the official image's contract
#   docker compose        docker-compose v1 (1.29) on podman's Docker-compatible socket
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/containers
TAG=ctrtest
API_IMAGE=boutique-api:$TAG
WEB_IMAGE=boutique-frontend:$TAG
WEB_NODE_IMAGE=boutique-frontend:$TAG-node
PG_IMAGE=boutique-test/postgres:15
MAX_API_GROWTH=$((25 * 1000 * 1000)) # bytes the API runtime may add to its base (podman counts 10^6)

# shellcheck source=../lib/checks.sh
. "$ROOT/tests/lib/checks.sh"

[ "$(id -u)" -eq 0 ] || { echo "tests/containers: needs root (rootful podman)" >&2; exit 1; }
"$ROOT/scripts/install-deps.sh" containers run node
export PATH="$ROOT/frontend/toolchain/node/bin:$PATH" # the pinned Node.js builds the UI

eval "$("$ROOT/scripts/podman-env.sh" env)"
export CONTAINERS_CONF

if [ "${1:-}" = --clean-images ]; then
  for i in "$API_IMAGE" "$WEB_IMAGE" "$WEB_NODE_IMAGE" "$PG_IMAGE" \
    "docker.io/library/$API_IMAGE" "docker.io/library/$WEB_IMAGE"; do
    if podman rmi -f "$i" >/dev/null 2>&1; then log "removed $i"; fi
  done
  exit 0
fi

# --- state, clean-up ------------------------------------------------------------------------------
work=$(mktemp -d /tmp/boutique-ctrtest.XXXXXX)
chmod 755 "$work" # the pg-cluster's postgres user must traverse it
project=ctrtest$$
api_ctr=$project-api
web_ctr=$project-web
service_pid=""
compose_up=0

compose() {
  docker-compose --env-file "$work/empty.env" --project-directory "$ROOT" -p "$project" \
    -f "$work/compose.yaml" -f "$HERE/compose.test.yaml" "$@"
}

diagnostics() {
  set +e
  log "--- diagnostics"
  for c in "$api_ctr" "$web_ctr"; do
    podman container exists "$c" && { log "--- podman logs $c"; podman logs --tail 30 "$c" 2>&1; }
  done
  if [ "$compose_up" = 1 ]; then
    log "--- compose ps / logs"
    compose ps 2>&1
    compose logs --tail 30 2>&1
  fi
  [ -f "$work/pg/server.log" ] && { log "--- pg-cluster log"; tail -n 20 "$work/pg/server.log"; }
}

cleanup() {
  set +e
  podman rm -f -t 2 "$api_ctr" "$web_ctr" >/dev/null 2>&1
  [ "$compose_up" = 1 ] && compose down --volumes --timeout 5 >"$work/compose-down.log" 2>&1
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  "$ROOT/scripts/pg-cluster.sh" stop "$work/pg" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Below the kernel's ephemeral range (32768-60999), and used by no socket at all: a port in that range
# can be taken by a client connection's local end between this check and the container's bind
# ("Address already in use", seen once in CI).
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! ss -Htan "sport = :$p" | grep -q . && ! grep -qx "$p" "$work/ports" 2>/dev/null; then
      echo "$p" >>"$work/ports"
      echo "$p"
      return 0
    fi
  done
  fail "no free TCP port"
}

# http_code URL: the status code, 000 when nothing answers.
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" || true; }

# wait_for URL CODE SECONDS: poll until URL answers CODE, or fail at the deadline.
wait_for() {
  local url=$1 want=$2 deadline=$(($(date +%s) + $3)) got
  while :; do
    got=$(http_code "$url")
    [ "$got" = "$want" ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || fail "$url answered $got, not $want, within $3 s"
    sleep 0.2 # pacing between polls; the deadline above decides
  done
}

# json_check URL PYTHON_EXPR: fetch URL, evaluate EXPR with `d` the decoded JSON; fail when false.
json_check() {
  local body
  body=$(curl -sf --max-time 5 "$1") || fail "GET $1 failed"
  printf '%s' "$body" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" ||
    fail "GET $1: expected $2, got: ${body:0:300}"
}

# uid of a container's PID 1 as the host sees it (rootful podman: no user namespace).
host_uid() {
  local pid
  pid=$(podman inspect -f '{{.State.Pid}}' "$1")
  awk '/^Uid:/ { print $2 }' "/proc/$pid/status"
}

image_size() { podman image inspect -f '{{.Size}}' "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

# --- 0. the UI build and the base image -----------------------------------------------------------
fe=$ROOT/frontend
if [ ! -f "$fe/dist/index.html" ] ||
  [ -n "$(find "$fe/src" "$fe/public" "$fe/index.html" "$fe/package-lock.json" "$fe/vite.config.ts" \
    -newer "$fe/dist/index.html" -print -quit)" ]; then
  log "# frontend/dist missing or older than its sources: npm ci && npm run build"
  (cd "$fe" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build) >"$work/ui-build.log" 2>&1 ||
    { tail -n 30 "$work/ui-build.log"; fail "UI build"; }
fi
"$ROOT/scripts/podman-env.sh" base
ok "UI built (frontend/dist), base image debian:bookworm-slim present"

# As cmake/GenerateBuildInfo.cmake: the images are built from the working tree, uncommitted changes
# included, so say so.
revision=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$revision" != unknown ] && [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  revision=$revision-dirty
fi
build() { # build NAME TAG podman-build-args... (the image this replaces under TAG is removed)
  local name=$1 tag=$2 old new
  shift 2
  old=$(podman image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  podman build --pull=never --network=host --format docker -t "$tag" \
    --build-arg VERSION=0.1.0 --build-arg REVISION="$revision" "$@" >"$work/build-$name.log" 2>&1 ||
    { tail -n 30 "$work/build-$name.log"; fail "podman build $name"; }
  new=$(podman image inspect -f '{{.Id}}' "$tag")
  if [ -n "$old" ] && [ "$old" != "$new" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
}

# --- 1. images ------------------------------------------------------------------------------------
build api "$API_IMAGE" -f "$ROOT/api/Dockerfile" "$ROOT"
ok "built $API_IMAGE from api/Dockerfile"
build web "$WEB_IMAGE" --target web-dist "$ROOT/frontend"
ok "built $WEB_IMAGE from frontend/Dockerfile (target web-dist)"

base_size=$(image_size debian:bookworm-slim)
api_size=$(image_size "$API_IMAGE")
web_size=$(image_size "$WEB_IMAGE")
growth=$((api_size - base_size))
log "# sizes: base $(mb "$base_size"), $API_IMAGE $(mb "$api_size") (+$(mb "$growth")), $WEB_IMAGE $(mb "$web_size") (+$(mb $((web_size - base_size))))"
[ "$growth" -le "$MAX_API_GROWTH" ] || fail "the API runtime adds $(mb "$growth") to its base (limit 25 MB)"
for img in "$API_IMAGE" "$WEB_IMAGE"; do
  meta=$(podman image inspect -f '{{.Config.User}}|{{index .Config.Labels "org.opencontainers.image.revision"}}|{{index .Config.Labels "org.opencontainers.image.version"}}|{{if .Config.Healthcheck}}hc{{end}}' "$img")
  [ "$meta" = "10001:10001|$revision|0.1.0|hc" ] || fail "$img: user|revision|version|healthcheck = $meta"
done
[ "$(podman image inspect -f '{{.Config.StopSignal}}' "$API_IMAGE")" = SIGTERM ] || fail "API STOPSIGNAL"
ok "API runtime adds ≤ 25 MB; both images: user 10001, OCI labels, HEALTHCHECK"

# Runtime images (docs/security.md): no compiler or build tool, no -dev package, no apt lists or
# caches, no setuid/setgid file, nothing writable by the runtime user outside /tmp (sticky
# world-writable directories such as /var/tmp aside).
for img in "$API_IMAGE" "$WEB_IMAGE"; do
  # shellcheck disable=SC2016  # expanded inside the container
  found=$(podman run --rm --network=host --user 0 --entrypoint bash "$img" -c '
    for p in gcc g++ cc c++ cpp make cmake clang ld as pkg-config; do
      command -v "$p" >/dev/null && echo "program $p"; done
    dpkg-query -W -f "\${Package}\n" | grep -E -- "-dev(:|\$)" | sed "s/^/package /"
    find /var/lib/apt/lists /var/cache/apt -type f 2>/dev/null | sed "s/^/apt file /"
    find / -xdev -type f -perm /6000 2>/dev/null | sed "s/^/setuid or setgid /"
    find / -xdev -path /tmp -prune -o -path /proc -prune -o \( -user 10001 -o \( -perm -o+w ! -perm -1000 \) \) \
      ! -type l ! -type s ! -type c -print 2>/dev/null | grep -v "^/tmp$" | sed "s/^/writable /"
  ' 2>"$work/inspect.err") || fail "$img: inspection failed: $(cat "$work/inspect.err")"
  [ -z "$found" ] || fail "$img runtime carries what it should not:
$found"
done
ok "runtime images: no compiler, no -dev package, no apt lists/caches, no setuid/setgid, nothing writable by uid 10001"

# --- 2. the API image against a test PostgreSQL ---------------------------------------------------
pg_url=$("$ROOT/scripts/pg-cluster.sh" start "$work/pg")
api_port=$(free_port)
api=http://127.0.0.1:$api_port
podman run -d --name "$api_ctr" --network=host \
  -e PORT="$api_port" -e BOUTIQUE_BIND=127.0.0.1 -e BOUTIQUE_THREADS=2 -e BOUTIQUE_SEED_DEMO=1 \
  -e DATABASE_URL="$pg_url" "$API_IMAGE" >/dev/null 2>"$work/run-api.err" ||
  { cat "$work/run-api.err"; fail "podman run $API_IMAGE"; }
wait_for "$api/readyz" 200 30
ok "API container: /readyz 200"
json_check "$api/api/produits?par_page=100" 'isinstance(d, list) and len(d) >= 24'
json_check "$api/api/info" "d['commit'] == '$revision' and d['database']['status'] == 'up'"
ok "API container: /api/produits returns the catalogue (≥ 24), /api/info commit $revision"
uid=$(host_uid "$api_ctr")
[ "$uid" = 10001 ] || fail "API process uid is $uid, expected 10001"
podman healthcheck run "$api_ctr" >/dev/null 2>&1 || fail "the API image's HEALTHCHECK command failed"
ok "API container: process uid 10001 (non-root), HEALTHCHECK command passes"

# --- 3. the frontend image ------------------------------------------------------------------------
web_port=$(free_port)
web=http://127.0.0.1:$web_port
podman run -d --name "$web_ctr" --network=host \
  -e BOUTIQUE_WEB_LISTEN="127.0.0.1:$web_port" -e BOUTIQUE_API_UPSTREAM="127.0.0.1:$api_port" \
  "$WEB_IMAGE" >/dev/null 2>"$work/run-web.err" || { cat "$work/run-web.err"; fail "podman run $WEB_IMAGE"; }
wait_for "$web/" 200 15
index=$(curl -sf --max-time 5 "$web/") || fail "GET $web/"
grep -q '<div id="root">' <<<"$index" || fail "index.html is not the UI's"
asset=$(grep -o '/assets/[^"]*\.js' <<<"$index" | head -n1)
if [ -z "$asset" ] || [ "$(http_code "$web$asset")" != 200 ]; then fail "UI asset '$asset' not served"; fi
[ "$(http_code "$web/produits/3")" = 200 ] || fail "client-side route /produits/3 not served index.html"
json_check "$web/api/info" "d['name'] == 'boutique-api' and d['database']['status'] == 'up'"
# The security headers of the shared template (docs/security.md), on a page, the proxied API and an
# nginx error page.
for path in / /api/info /assets/absent.js; do
  headers=$(curl -s -D - -o /dev/null --max-time 5 "$web$path" | tr -d '\r')
  for want in "Content-Security-Policy: default-src 'self'; script-src 'self'" \
    "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" "Referrer-Policy: same-origin"; do
    grep -qiF "$want" <<<"$headers" || fail "GET $path: no '$want' header in:
$headers"
  done
done
uid=$(host_uid "$web_ctr")
[ "$uid" = 10001 ] || fail "nginx master uid is $uid, expected 10001"
podman healthcheck run "$web_ctr" >/dev/null 2>&1 || fail "the frontend image's HEALTHCHECK command failed"
ok "frontend container: index.html + assets served, /api/info proxied to the API, security headers, uid 10001, HEALTHCHECK passes"

# --- 4. SIGTERM / SIGQUIT stop quickly ------------------------------------------------------------
stop_ms() { # stop_ms CONTAINER: podman stop -t 10, print milliseconds
  local s e
  s=$(date +%s%N)
  podman stop -t 10 "$1" >/dev/null 2>&1
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}
ms=$(stop_ms "$api_ctr")
code=$(podman inspect -f '{{.State.ExitCode}}' "$api_ctr")
if [ "$ms" -ge 2000 ] || [ "$code" != 0 ]; then
  fail "API stop took $ms ms, exit code $code (want < 2000 ms, 0)"
fi
web_ms=$(stop_ms "$web_ctr")
[ "$web_ms" -lt 2000 ] || fail "frontend stop took $web_ms ms"
ok "SIGTERM stops the API in $ms ms (exit 0); SIGQUIT stops nginx in $web_ms ms"
podman rm -f "$api_ctr" "$web_ctr" >/dev/null 2>&1

# --- 5. the frontend Dockerfile's default path: the UI built in the image with the pinned Node.js --
# Unchanged Dockerfile, default target: its ui-build stage installs Node.js and npm from the npm
# registry (frontend/toolchain) and runs npm ci && npm run build. npm's TLS goes through an
# intercepting proxy here: the host's CA bundle is given as the build secret the Dockerfile documents.
build web-node "$WEB_NODE_IMAGE" --secret id=ca-bundle,src=/etc/ssl/certs/ca-certificates.crt "$ROOT/frontend"
podman run --rm --network=host --entrypoint bash "$WEB_NODE_IMAGE" -c \
  'test -f /usr/share/boutique/web/index.html && ls /usr/share/boutique/web/assets/*.js >/dev/null' \
  >/dev/null 2>&1 || fail "$WEB_NODE_IMAGE: no UI in /usr/share/boutique/web"
# The host's pinned node (installed above by install-deps node; install.sh checks it against the
# lockfile) is the version the image's stage must have used.
want_node=$("$ROOT/frontend/toolchain/node/bin/node" --version)
# The same build's ui-build stage (all cached by now): the node that built the UI is the locked one.
build ui-stage "$WEB_NODE_IMAGE-stage" --target ui-build --secret id=ca-bundle,src=/etc/ssl/certs/ca-certificates.crt "$ROOT/frontend"
got_node=$(podman run --rm --network=host --entrypoint node "$WEB_NODE_IMAGE-stage" --version 2>&1) || true
podman rmi "$WEB_NODE_IMAGE-stage" >/dev/null 2>&1 || true
[ "$got_node" = "$want_node" ] || fail "the image's UI was built with node '$got_node', the lockfile pins $want_node"
ok "frontend Dockerfile default target: pinned Node.js $want_node, npm ci && npm run build in the image"

# --- 6. compose.yaml through docker-compose v1 on podman's socket ---------------------------------
sock=$work/podman.sock
podman system service --time=0 "unix://$sock" >"$work/podman-service.log" 2>&1 &
service_pid=$!
deadline=$(($(date +%s) + 15))
until [ "$(curl -s --max-time 2 --unix-socket "$sock" http://d/_ping || true)" = OK ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "podman system service did not answer on $sock"
  sleep 0.1 # pacing; the deadline above decides
done
export DOCKER_HOST=unix://$sock
# compose.yaml as users run it, minus `ports:` (docker-compose refuses port bindings with host
# networking), plus tests/containers/compose.test.yaml. An empty env file: the dev defaults apply.
/usr/bin/python3 - "$ROOT/compose.yaml" >"$work/compose.yaml" <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for service in doc["services"].values():
    service.pop("ports", None)
yaml.safe_dump(doc, sys.stdout, sort_keys=False)
EOF
: >"$work/empty.env"
export CT_PG_PORT CT_API_PORT CT_WEB_PORT BOUTIQUE_TAG=$TAG BOUTIQUE_REVISION=$revision
CT_PG_PORT=$(free_port)
CT_API_PORT=$(free_port)
CT_WEB_PORT=$(free_port)
capi=http://127.0.0.1:$CT_API_PORT
cweb=http://127.0.0.1:$CT_WEB_PORT
compose_up=1
compose up -d --build >"$work/compose-up.log" 2>&1 || { tail -n 30 "$work/compose-up.log"; fail "compose up --build"; }
wait_for "$capi/readyz" 200 60
wait_for "$cweb/" 200 15
json_check "$cweb/api/info" "d['database']['status'] == 'up' and d['commit'] == '$revision'"
json_check "$capi/api/produits?par_page=100" 'len(d) >= 24'
ok "compose up --build: db, backend, frontend; API and UI answer"
podman healthcheck run "${project}_db_1" >/dev/null 2>&1 || fail "compose.yaml's db healthcheck (pg_isready) failed"
ok "compose.yaml's db healthcheck command (pg_isready) passes"

email="persist-$project@example.fr"
created=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$capi/api/utilisateurs" \
  -H 'Content-Type: application/json' \
  -d "{\"nom\": \"Persist $project\", \"email\": \"$email\", \"password\": \"un mot de passe long\"}")
[ "$created" = 201 ] || fail "POST /api/utilisateurs answered $created"
compose down --timeout 10 >"$work/compose-down1.log" 2>&1 || { cat "$work/compose-down1.log"; fail "compose down"; }
[ -z "$(podman ps -a -q --filter "name=^${project}_")" ] || fail "containers left after compose down"
compose up -d >"$work/compose-up2.log" 2>&1 || { tail -n 30 "$work/compose-up2.log"; fail "compose up (2nd)"; }
wait_for "$capi/readyz" 200 60
json_check "$cweb/api/utilisateurs" "any(u['nom'] == 'Persist $project' for u in d)"
ok "compose down → up: the user created before is still there (named volume)"
compose down --volumes --timeout 10 >"$work/compose-down2.log" 2>&1 || fail "compose down --volumes"
compose_up=0
podman volume exists "${project}_db-data" && fail "volume ${project}_db-data left after down --volumes"
ok "compose down --volumes removes containers and the volume"

log "# all $passed checks passed in $(($(date +%s) - t0)) s (images kept as a build cache: $0 --clean-images)"
