#!/usr/bin/env bash
# Tests of playbooks/ (docs/ansible.md): ansible-lint (production profile), --syntax-check, the
# seed's --check run, then a real run of the CI-safe parts and a second run that must report
# changed=0 and failed=0 (read from the JSON callback's stats). Exit 1 on the first failure.
#
# CI-safe real run: verification; apt with packages already installed (the build and run groups,
# which `make` installs, plus the seed's packages that are present); build into a work directory and
# install into a temporary prefix — never build/, build-release/ or /usr/local.
#
# Environment:
#   BOUTIQUE_ANSIBLE_TEST_DIR   work directory (default /tmp/boutique-ansible-test), kept between runs
#                               so its build directory is reused (a first build takes ~2-3 min on 2 cores)
#   BOUTIQUE_ANSIBLE_BUILD_DIR  build directory (default $BOUTIQUE_ANSIBLE_TEST_DIR/build)
set -euo pipefail

playbooks=$(cd "$(dirname "$0")/.." && pwd)
repo=$(dirname "$playbooks")
work=${BOUTIQUE_ANSIBLE_TEST_DIR:-/tmp/boutique-ansible-test}
build_dir=${BOUTIQUE_ANSIBLE_BUILD_DIR:-$work/build}
prefix=$work/prefix
py=/usr/bin/python3

fail() { echo "playbooks/tests: FAIL: $*" >&2; exit 1; }
step() { echo "== $* ($(( SECONDS ))s)"; }

for tool in ansible-playbook ansible-lint; do
  command -v "$tool" >/dev/null || fail "$tool not found: run scripts/install-deps.sh ansible"
done
case "$build_dir" in
  "$repo/build" | "$repo/build/") fail "refusing to use $repo/build (other work uses it)" ;;
esac
mkdir -p "$work"
rm -rf "$prefix"
cd "$playbooks"
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_FORCE_COLOR=0

step "ansible-lint --offline --profile production"
ansible-lint --offline --profile production || fail "ansible-lint"

step "--syntax-check"
ansible-playbook -i hosts.ini playbook.yml --syntax-check || fail "--syntax-check"

step "--check (the seed's command, without -K: this runs as root)"
ansible-playbook -i hosts.ini playbook.yml --check || fail "--check"

# The seed's packages that are installed already: CI must not download anything.
present=()
for p in default-jre-headless net-tools curl dnsutils; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] && present+=("$p")
done
# The commit baked into the binaries is pinned for both runs: an engineer committing or editing a
# tracked file between them would otherwise relink (an honest change, but not the playbook's).
commit=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
vars=$("$py" -c 'import json,sys; print(json.dumps({
  "boutique_target": "local",
  "boutique_build_dir": sys.argv[1], "boutique_install_prefix": sys.argv[2],
  "boutique_build_environment": {"BOUTIQUE_GIT_COMMIT": sys.argv[3]},
  "system_deps_seed_packages": sys.argv[4:]}))' "$build_dir" "$prefix" "$commit" "${present[@]}")

# Runs the playbook with the JSON callback; prints the stats and the tasks that changed or failed.
real_run() {
  local n=$1 out=$work/run$1.json rc=0
  ANSIBLE_STDOUT_CALLBACK=json ansible-playbook -i hosts.ini playbook.yml -e "$vars" >"$out" || rc=$?
  "$py" - "$out" "$n" "$rc" <<'PY'
import json, sys
path, n, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    doc = json.load(open(path))
except ValueError as e:
    sys.exit(f"run {n}: no JSON from ansible-playbook (exit {rc}): {e}; see {path}")
s = doc["stats"]["localhost"]
print(f"run {n}: ok={s['ok']} changed={s['changed']} failed={s['failures']} "
      f"unreachable={s['unreachable']} skipped={s['skipped']} (exit {rc})")
for play in doc["plays"]:
    for t in play["tasks"]:
        h = t["hosts"].get("localhost", {})
        if h.get("changed") or h.get("failed"):
            state = "FAILED" if h.get("failed") else "changed"
            print(f"  {state}: {t['task']['name']}: {h.get('msg', '')}".rstrip(": "))
PY
  return $rc
}
stat_of() { "$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["localhost"][sys.argv[2]])' "$work/run$1.json" "$2"; }

step "real run 1 (build dir $build_dir, prefix $prefix)"
real_run 1 || fail "run 1 failed"
[ "$(stat_of 1 failures)" = 0 ] || fail "run 1: failed=$(stat_of 1 failures)"
[ -x "$prefix/bin/boutique" ] || fail "run 1 did not install $prefix/bin/boutique"

step "real run 2 (must change nothing)"
real_run 2 || fail "run 2 failed"
[ "$(stat_of 2 failures)" = 0 ] || fail "run 2: failed=$(stat_of 2 failures)"
[ "$(stat_of 2 changed)" = 0 ] || fail "run 2 is not idempotent: changed=$(stat_of 2 changed)"

step "playbooks: all tests passed"
