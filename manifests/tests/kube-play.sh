#!/usr/bin/env bash
# The minikube overlay's real workloads under `podman kube play --network=host`, with the project's
# images: the pods start as rendered (users, read-only root filesystems, emptyDirs, Secret references,
# the PVC), every probe passes, the API reaches PostgreSQL, and a user written before `kube down` is
# still there after `kube play` again (the PVC's volume survives).
#   manifests/tests/kube-play.sh                 ≈ 1–2 min warm (images cached), root
#   manifests/tests/kube-play.sh --clean-images  remove the images it tags (kept as a build cache)
# What podman cannot do is adjusted by podman/translate.mjs (each change listed in the run's
# adjustments.txt and in docs/kubernetes.md "The podman test"). Host networking only, all traffic to
# 127.0.0.1. Exit 0 when every check passed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TAG=k8stest
API_IMAGE=localhost/boutique-api:$TAG
WEB_IMAGE=localhost/boutique-frontend:$TAG
# postgres:15 stand-in: tests/containers/postgres's entrypoint and package, with the official
# image's uid 999 and directory modes (podman/postgres/Containerfile).
PG_IMAGE=localhost/boutique-k8stest/postgres:15

# shellcheck source=../../tests/lib/checks.sh
. "$ROOT/tests/lib/checks.sh"

[ "$(id -u)" -eq 0 ] || { echo "manifests/tests/kube-play.sh: needs root (rootful podman)" >&2; exit 1; }
"$ROOT/scripts/install-deps.sh" containers k8s
eval "$("$ROOT/scripts/podman-env.sh" env)"
export CONTAINERS_CONF

if [ "${1:-}" = --clean-images ]; then
  for i in "$API_IMAGE" "$WEB_IMAGE" "$PG_IMAGE"; do
    if podman rmi "$i" >/dev/null 2>&1; then log "removed $i"; fi
  done
  exit 0
fi

cd "$HERE"
# shellcheck source=deps.sh
. ./deps.sh

# --- state, clean-up ------------------------------------------------------------------------------
work=$(mktemp -d /tmp/boutique-kubeplay.XXXXXX)
prefix=k8stest$$
played=0

diagnostics() {
  set +e
  log "--- diagnostics"
  podman pod ps --filter "name=^$prefix-" 2>&1
  for c in $(podman ps -a --filter "name=^$prefix-" --format '{{.Names}}' 2>/dev/null | grep -v -- '-infra$'); do
    log "--- podman logs --tail 20 $c"
    podman logs --tail 20 "$c" 2>&1
  done
}

cleanup() {
  set +e
  [ "$played" = 1 ] && podman kube down "$work/out/workloads.yaml" >/dev/null 2>&1
  for p in $(podman pod ps -q --filter "name=^$prefix-" 2>/dev/null); do podman pod rm -f "$p" >/dev/null 2>&1; done
  for v in $(podman volume ls -q --filter "name=^$prefix-" 2>/dev/null); do podman volume rm -f "$v" >/dev/null 2>&1; done
  for s in $(podman secret ls --format '{{.Name}}' 2>/dev/null | grep "^$prefix-"); do podman secret rm "$s" >/dev/null 2>&1; done
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

# json_check URL JQ_EXPR: fetch URL, fail unless the jq expression is true.
json_check() {
  local body
  body=$(curl -sf --max-time 5 "$1") || fail "GET $1 failed"
  jq -e "$2" >/dev/null <<<"$body" || fail "GET $1: expected $2, got: ${body:0:300}"
}

# --- 1. images ------------------------------------------------------------------------------------
fe=$ROOT/frontend
if [ ! -f "$fe/dist/index.html" ] ||
  [ -n "$(find "$fe/src" "$fe/public" "$fe/index.html" "$fe/package-lock.json" -newer "$fe/dist/index.html" -print -quit)" ]; then
  log "# frontend/dist missing or older than its sources: npm ci && npm run build"
  (cd "$fe" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build) >"$work/ui-build.log" 2>&1 ||
    { tail -n 30 "$work/ui-build.log"; fail "UI build"; }
fi
"$ROOT/scripts/podman-env.sh" base
revision=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$revision" != unknown ] && [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  revision=$revision-dirty
fi
build() { # build NAME TAG podman-build-args... (the image this replaces under TAG is removed)
  local name=$1 tag=$2 old new
  shift 2
  old=$(podman image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  podman build --pull=never --network=host --format docker -t "$tag" "$@" >"$work/build-$name.log" 2>&1 ||
    { tail -n 30 "$work/build-$name.log"; fail "podman build $name"; }
  new=$(podman image inspect -f '{{.Id}}' "$tag")
  if [ -n "$old" ] && [ "$old" != "$new" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
}
build api "$API_IMAGE" --build-arg VERSION=0.1.0 --build-arg REVISION="$revision" -f "$ROOT/api/Dockerfile" "$ROOT"
build web "$WEB_IMAGE" --build-arg VERSION=0.1.0 --build-arg REVISION="$revision" --target web-dist "$ROOT/frontend"
build pg "$PG_IMAGE" -f "$HERE/podman/postgres/Containerfile" "$ROOT/tests/containers/postgres"
ok "images built: $API_IMAGE, $WEB_IMAGE, $PG_IMAGE (postgres:15 stand-in)"

# --- 2. render the minikube overlay, translate what podman cannot do ------------------------------
db_port=$(free_port)
api_port=$(free_port)
web_port=$(free_port)
render "$ROOT/manifests/overlays/minikube" >"$work/rendered.yaml"
node "$HERE/podman/translate.mjs" --in "$work/rendered.yaml" --out "$work/out" --prefix "$prefix" \
  --db-port "$db_port" --api-port "$api_port" --web-port "$web_port" \
  --image boutique-api="$API_IMAGE" --image boutique-frontend="$WEB_IMAGE" --image postgres="$PG_IMAGE" ||
  fail "translate"
log "# adjustments for podman (also in docs/kubernetes.md):"
sed 's/^/#   /' "$work/out/adjustments.txt"
for f in "$work"/out/secrets/*.json; do
  podman secret create "$(basename "$f" .json)" "$f" >/dev/null || fail "podman secret create $(basename "$f")"
done
podman kube play --network=host "$work/out/volumes.yaml" >"$work/play-volumes.log" 2>&1 ||
  { cat "$work/play-volumes.log"; fail "kube play volumes.yaml (the PVC)"; }
podman volume exists "$prefix-postgres-pvc" || fail "the PVC did not become volume $prefix-postgres-pvc"
ok "rendered overlays/minikube, translated; Secret -> podman secret, PVC -> volume $prefix-postgres-pvc"

api=http://127.0.0.1:$api_port
web=http://127.0.0.1:$web_port
play() {
  played=1
  # podman logs "unable to get systemd connection to add healthchecks" for each liveness probe:
  # harmless here (no systemd); probes.mjs runs the probes instead.
  podman kube play --network=host "$work/out/workloads.yaml" >"$work/play.log" 2>&1 ||
    { cat "$work/play.log"; fail "kube play workloads.yaml"; }
}

# --- 3. first play: pods up, probes pass, API on PostgreSQL, security as rendered -----------------
play
wait_for "$api/readyz" 200 120
wait_for "$web/" 200 30
ok "kube play: 3 pods; API /readyz 200 (migrations applied on the PVC's database), UI answers"

json_check "$api/api/produits?par_page=100" 'type == "array" and length >= 24'
json_check "$web/api/info" ".database.status == \"up\" and .hostname == \"$prefix-backend-pod-0\" and .commit == \"$revision\""
[ "$(podman exec "$prefix-backend-pod-0-api" printenv POD_NAME)" = "$prefix-backend-pod-0" ] ||
  fail "POD_NAME is not the pod's name (downward API)"
ok "API: /api/produits ≥ 24 (demo data), /api/info through the UI proxy: database up, hostname = POD_NAME = $prefix-backend-pod-0"

node "$HERE/podman/probes.mjs" "$work/out/probes.json" >"$work/probes.log" 2>&1 ||
  { cat "$work/probes.log"; fail "a probe fails against the real containers"; }
ok "all $(grep -c '^ok' "$work/probes.log") probes (startup, readiness, liveness × 3 containers) pass as the kubelet would run them"

# The security context as podman applied it, read from the kernel's view of each PID 1.
for spec in "backend-pod-0-api:10001" "frontend-pod-0-web:10001" "postgres-pod-0-postgres:999"; do
  ctr=$prefix-${spec%%:*}
  want_uid=${spec##*:}
  pid=$(podman inspect -f '{{.State.Pid}}' "$ctr")
  status=$(cat "/proc/$pid/status")
  uid=$(awk '/^Uid:/ { print $2 }' <<<"$status")
  capeff=$(awk '/^CapEff:/ { print $2 }' <<<"$status")
  nnp=$(awk '/^NoNewPrivs:/ { print $2 }' <<<"$status")
  seccomp=$(awk '/^Seccomp:/ { print $2 }' <<<"$status")
  ro=$(podman inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$ctr")
  [ "$uid/$capeff/$nnp/$seccomp/$ro" = "$want_uid/0000000000000000/1/2/true" ] ||
    fail "$ctr: uid/CapEff/NoNewPrivs/Seccomp/read-only = $uid/$capeff/$nnp/$seccomp/$ro, want $want_uid/0000000000000000/1/2/true"
  podman exec "$ctr" sh -c 'touch /rootfs-write-test' 2>/dev/null && fail "$ctr: the root filesystem is writable"
done
ok "every container: uid as rendered (10001, 10001, 999), no capabilities, no_new_privs, seccomp filter, read-only root (writes fail)"

# --- 4. data survives kube down / kube play -------------------------------------------------------
email="persist-$prefix@example.fr"
created=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$api/api/utilisateurs" \
  -H 'Content-Type: application/json' \
  -d "{\"nom\": \"Persist $prefix\", \"email\": \"$email\", \"password\": \"un mot de passe long\"}")
[ "$created" = 201 ] || fail "POST /api/utilisateurs answered $created"
s=$(date +%s%N)
podman kube down "$work/out/workloads.yaml" >"$work/down.log" 2>&1 || { cat "$work/down.log"; fail "kube down"; }
down_ms=$((($(date +%s%N) - s) / 1000000))
played=0
[ -z "$(podman pod ps -q --filter "name=^$prefix-")" ] || fail "pods left after kube down"
podman volume exists "$prefix-postgres-pvc" || fail "kube down removed the PVC's volume"
left=$(podman volume ls -q --filter "name=^$prefix-" | grep -vx "$prefix-postgres-pvc" || true)
[ -z "$left" ] || fail "emptyDir volumes left after kube down: $left"
ok "POST /api/utilisateurs 201; kube down in $down_ms ms: pods and emptyDirs gone, volume $prefix-postgres-pvc kept"

if podman kube play --network=host "$work/out/volumes.yaml" >"$work/replay-volumes.log" 2>&1; then
  fail "replaying the PVC succeeded: expected \"volume already exists\" (podman 4.3 behaviour the test relies on)"
fi
grep -q 'already exists' "$work/replay-volumes.log" || { cat "$work/replay-volumes.log"; fail "replaying the PVC failed for another reason"; }
play
wait_for "$api/readyz" 200 120
json_check "$api/api/utilisateurs" "any(.[]; .nom == \"Persist $prefix\")"
json_check "$api/api/produits?par_page=100" 'length >= 24'
ok "kube play again (PVC not replayed: \"volume already exists\"): the user created before is still there"

podman kube down "$work/out/workloads.yaml" >"$work/down2.log" 2>&1 || { cat "$work/down2.log"; fail "kube down (2nd)"; }
played=0
log "# all $passed checks passed in $(($(date +%s) - t0)) s (images kept as a build cache: $0 --clean-images)"
