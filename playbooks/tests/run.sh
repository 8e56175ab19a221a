#!/usr/bin/env bash
# Tests of playbooks/ (docs/ansible.md): ansible-lint (production profile), --syntax-check, the
# seed's --check run, then a real run of the CI-safe parts and a second run that must report
# changed=0 and failed=0 (read from the JSON callback's stats). Exit 1 on the first failure.
#
# CI-safe real run: verification; apt with packages already installed (the build and run groups,
# which `make` installs, plus the seed's packages that are present); build into a work directory and
# install into a temporary prefix — never build/, build-release/ or /usr/local.
#
# The build uses a snapshot of the committed tree (git archive HEAD, synchronised file by file so
# unchanged files keep their times and the build stays incremental): the checkout is shared, and
# someone saving a source file between the two runs would make run 2 rebuild — an honest change,
# but not the playbook's. The playbook itself is the checkout's.
#
# Environment:
#   BOUTIQUE_ANSIBLE_TEST_DIR   work directory (default /tmp/boutique-ansible-test: src/ build/
#                               prefix/ run1.json run2.json), kept between runs so the build is
#                               incremental (the first build takes ~8 min on two busy cores)
set -euo pipefail

playbooks=$(cd "$(dirname "$0")/.." && pwd)
repo=$(dirname "$playbooks")
work=${BOUTIQUE_ANSIBLE_TEST_DIR:-/tmp/boutique-ansible-test}
src=$work/src
build_dir=$work/build
prefix=$work/prefix
py=/usr/bin/python3

fail() { echo "playbooks/tests: FAIL: $*" >&2; exit 1; }
step() { echo "== $* ($(( SECONDS ))s)"; }

"$repo/scripts/install-deps.sh" ansible
case "$work" in
  "$repo" | "$repo/"*) fail "BOUTIQUE_ANSIBLE_TEST_DIR must be outside the checkout ($work)" ;;
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
step "snapshot of HEAD in $src"
commit=$(git -C "$repo" rev-parse --short=12 HEAD)
rm -rf "$work/stage" && mkdir -p "$work/stage" "$src"
git -C "$repo" archive HEAD | tar -x -C "$work/stage"
"$py" - "$work/stage" "$src" <<'PY'
import filecmp, os, shutil, sys
stage, src = sys.argv[1], sys.argv[2]
want = set()
for root, dirs, files in os.walk(stage):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), stage)
        want.add(rel)
        a, b = os.path.join(stage, rel), os.path.join(src, rel)
        if not os.path.isfile(b) or not filecmp.cmp(a, b, shallow=False):
            os.makedirs(os.path.dirname(b), exist_ok=True)
            shutil.copy(a, b)  # content and mode; the time is now, so make sees the change
for root, dirs, files in os.walk(src):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), src)
        if rel not in want:
            os.remove(os.path.join(src, rel))
PY
rm -rf "$work/stage"
vars=$("$py" -c 'import json,sys; print(json.dumps({
  "boutique_target": "local", "boutique_repo_dir": sys.argv[1],
  "boutique_build_dir": sys.argv[2], "boutique_install_prefix": sys.argv[3],
  "boutique_build_environment": {"BOUTIQUE_GIT_COMMIT": sys.argv[4]},
  "system_deps_seed_packages": sys.argv[5:]}))' "$src" "$build_dir" "$prefix" "$commit" "${present[@]}")

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
