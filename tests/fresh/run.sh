#!/usr/bin/env bash
# The fresh-machine test (docs/fresh-machine.md): the README's promise on a fresh Debian 12, checked
# in rootful podman containers from a minimal Debian 12 root filesystem (tests/fresh/Containerfile)
# where nothing of the project is installed.
#
#   tests/fresh/run.sh [--commit REV] [up|deps|all]     (default: all, REV default HEAD)
#
#   up    a new user's session: `git clone` of REV, `make up` (must pass on the first try),
#         `build/bin/boutique status`, the API on 5000 lists the demo products, the UI on 5173
#         answers and proxies /api/info, `make down`.
#   deps  the test side of the install path: every install step that `make test` and `make bench`
#         run — read from `make -n`, so a target added with its own install step is covered —
#         passes on the first try in a fresh container; then the tools those targets use answer,
#         and the manifests' validation passes without kubectl (none in Debian 12).
#
# Needs root (rootful podman, host network only). The commit under test is cloned from this
# checkout: uncommitted changes are not part of it. Ports 5000 and 5173 of the host must be free
# (host network: the stack in the container listens there). Exit 0 when every check passed.
#
# Environment: BOUTIQUE_FRESH_KEEP=1 keeps the containers after the run (for a look inside).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/fresh
IMAGE=boutique-test/debian12-fresh
commit=HEAD
parts=all
while [ $# -gt 0 ]; do
  case "$1" in
    --commit) commit=$2; shift 2 ;;
    up | deps | all) parts=$1; shift ;;
    *) echo "usage: $0 [--commit REV] [up|deps|all]" >&2; exit 2 ;;
  esac
done

# shellcheck source=../lib/checks.sh
. "$ROOT/tests/lib/checks.sh"

[ "$(id -u)" -eq 0 ] || fail "needs root (rootful podman)"
rev=$(git -C "$ROOT" rev-parse --verify "$commit^{commit}") || fail "no commit $commit in $ROOT"
"$ROOT/scripts/install-deps.sh" containers
eval "$("$ROOT/scripts/podman-env.sh" env)"
export CONTAINERS_CONF
"$ROOT/scripts/podman-env.sh" base

work=$(mktemp -d /tmp/boutique-fresh.XXXXXX)
containers=()
cleanup() {
  set +e
  if [ "${BOUTIQUE_FRESH_KEEP:-0}" = 1 ]; then
    [ ${#containers[@]} -eq 0 ] || log "# kept: ${containers[*]} (podman rm -f them when done)"
  else
    for c in "${containers[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the fresh image: minimal Debian 12 + policy-rc.d + git, make --------------------------------
ctx=$work/image
mkdir -p "$ctx/extra-ca"
cp "$HERE/Containerfile" "$ctx/"
find /usr/local/share/ca-certificates -maxdepth 1 -name '*.crt' -exec cp {} "$ctx/extra-ca/" \; 2>/dev/null || true
podman build --pull=never --network=host -q -t "$IMAGE" "$ctx" >"$work/image.log" 2>&1 ||
  { tail -n 30 "$work/image.log"; fail "podman build $IMAGE"; }
ok "image $IMAGE: minimal Debian 12, /usr/sbin/policy-rc.d present, git and make, nothing of the project"

# The registries' TLS settings of this machine's environment, passed on as a real machine has them.
env_args=()
for v in NODE_EXTRA_CA_CERTS SSL_CERT_FILE CURL_CA_BUNDLE npm_config_cafile; do
  [ -n "${!v:-}" ] && env_args+=(-e "$v=${!v}")
done

# start NAME: a detached fresh container on the host network, its name in $started and kept for
# clean-up. Not called as $(start …): in that subshell the name never reached `containers`, and every
# run left its containers behind.
start() {
  started=boutique-fresh-$1-$$
  podman run -d --name "$started" --network=host -v "$ROOT:/src:ro" "${env_args[@]}" "$IMAGE" \
    >/dev/null 2>"$work/run-$1.err" || { cat "$work/run-$1.err"; fail "podman run $IMAGE"; }
  containers+=("$started")
}

# inside CONTAINER LOG COMMAND: run COMMAND with bash in the clone, output to $work/LOG; exit status kept.
inside() {
  local c=$1 logf=$work/$2
  shift 2
  podman exec -w /root/boutique -e NO_COLOR=1 "$c" bash -c "$*" >"$logf" 2>&1
}

# clone CONTAINER: what a new user does first.
clone() {
  podman exec "$1" bash -c "git clone -q /src /root/boutique && git -C /root/boutique checkout -q $rev" \
    >"$work/clone.log" 2>&1 || { cat "$work/clone.log"; fail "git clone"; }
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }

# --- up: make up on the first try, then status, API, UI, make down --------------------------------
part_up() {
  for port in 5000 5173; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      fail "port $port is in use on this machine (the fresh container shares the host network): $(ss -Hltnp "sport = :$port" | head -n1)"
    fi
  done
  local c
  start up
  c=$started
  clone "$c"
  ok "up: git clone of ${rev:0:12} in a fresh container"

  local s=$SECONDS
  if ! inside "$c" make-up.log make up; then
    tail -n 40 "$work/make-up.log"
    fail "make up failed on the first try"
  fi
  make_up_s=$((SECONDS - s))
  ok "up: make up passed on the first try in ${make_up_s} s (apt, build, Node.js, UI, stack)"

  inside "$c" status.log build/bin/boutique status || { cat "$work/status.log"; fail "boutique status"; }
  ok "up: build/bin/boutique status exit 0 ($(grep -c ' ok ' "$work/status.log" || true) rows ok)"

  local body
  body=$(curl -sf --max-time 5 'http://127.0.0.1:5000/api/produits?par_page=100') || fail "GET :5000/api/produits"
  /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if isinstance(d, list) and len(d) >= 20 and all("nom" in p for p in d) else 1)' "$body" ||
    fail "GET :5000/api/produits is not the demo catalogue: ${body:0:300}"
  ok "up: the API on 5000 lists the demo products"

  index=$(curl -sf --max-time 5 http://127.0.0.1:5173/) || fail "GET :5173/"
  grep -q '<div id="root">' <<<"$index" || fail "the page on 5173 is not the UI: ${index:0:300}"
  body=$(curl -sf --max-time 5 http://127.0.0.1:5173/api/info) || fail "GET :5173/api/info"
  /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["name"] == "boutique-api" and d["database"]["status"] == "up" else 1)' "$body" ||
    fail "GET :5173/api/info is not proxied to the API: ${body:0:300}"
  ok "up: the UI on 5173 answers and proxies /api/info"

  inside "$c" make-down.log make down || { cat "$work/make-down.log"; fail "make down"; }
  for port in 5000 5173; do
    [ "$(http_code "http://127.0.0.1:$port/")" = 000 ] || fail "port $port still answers after make down"
  done
  ok "up: make down stops the stack (5000 and 5173 closed)"
}

# --- deps: every install step of make test / make bench on the first try, then the tools ----------
part_deps() {
  local c
  start deps
  c=$started
  clone "$c"
  # The install steps, as `make -n` prints them (each target runs scripts/install-deps.sh GROUPS).
  inside "$c" make-n.log make -n test bench || { cat "$work/make-n.log"; fail "make -n test bench"; }
  mapfile -t steps < <(grep -E '^(\S+/)?scripts/install-deps\.sh( |$)' "$work/make-n.log" | awk '!seen[$0]++')
  [ ${#steps[@]} -gt 0 ] || fail "make -n test bench shows no install step"
  local groups
  groups=$(printf '%s\n' "${steps[@]}" | sed 's/^.*install-deps\.sh//' | tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')
  ok "deps: ${#steps[@]} install steps in make test / make bench, groups: $groups"

  local i=0 s
  for step in "${steps[@]}"; do
    i=$((i + 1))
    s=$SECONDS
    if ! inside "$c" "install-$i.log" "$step"; then
      tail -n 30 "$work/install-$i.log"
      fail "'$step' failed on the first try"
    fi
    log "#   $step: $((SECONDS - s)) s"
  done
  ok "deps: every install step passed on the first try"

  # The tools make test and make bench use; ansible's json stdout callback (ansible.posix) too.
  local tools=(
    "ansible-playbook --version" "ansible-lint --version" "groovy --version" "chromium --version"
    "podman --version" "clang --version" "wrk -v" "scripts/node-env.sh node --version"
    "scripts/node-env.sh npm --version" "docker-compose --version" "debootstrap --version"
  )
  local failed=()
  for t in "${tools[@]}"; do
    if inside "$c" tool.log "$t"; then
      log "#   $t: $(head -n1 "$work/tool.log")"
    elif [ "$t" = "wrk -v" ] && grep -q '^wrk ' "$work/tool.log"; then
      log "#   $t: $(head -n1 "$work/tool.log")" # wrk -v prints its version, then usage, exit 1
    else
      failed+=("$t: $(head -n3 "$work/tool.log" | tr '\n' ' ')")
    fi
  done
  [ ${#failed[@]} -eq 0 ] || fail "tools missing after the install steps: $(printf '\n  %s' "${failed[@]}")"
  inside "$c" callback.log 'printf -- "- hosts: localhost\n  gather_facts: false\n  tasks: [{ansible.builtin.ping: }]\n" >/tmp/p.yml && ANSIBLE_STDOUT_CALLBACK=json ansible-playbook -i localhost, -c local /tmp/p.yml' ||
    { tail -n 20 "$work/callback.log"; fail "ansible-playbook with the json stdout callback"; }
  grep -q '"stats"' "$work/callback.log" || fail "the json callback printed no stats"
  ok "deps: ${#tools[@]} tools answer, ansible-playbook runs with the json stdout callback"

  # No kubectl here (Debian 12 has none recent enough): the manifests' validation must pass with
  # the standalone kustomize its install step brings (docs/kubernetes.md, "Validation").
  inside "$c" kubectl.log 'command -v kubectl' && fail "this fresh container has a kubectl: $(cat "$work/kubectl.log")"
  if ! inside "$c" manifests.log manifests/tests/run.sh; then
    tail -n 40 "$work/manifests.log"
    fail "manifests/tests/run.sh without kubectl"
  fi
  ok "deps: manifests/tests/run.sh passes without kubectl ($(grep -E '^ℹ (pass|skipped) ' "$work/manifests.log" | tr '\n' ' '| sed 's/ℹ //g'))"
}

case "$parts" in
  up) part_up ;;
  deps) part_deps ;;
  all) part_up; part_deps ;;
esac

log "# fresh-machine test: all $passed checks passed in $(($(date +%s) - t0)) s (commit ${rev:0:12})"
