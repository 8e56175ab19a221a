# Sourced by the shell test suites (tests/containers/run.sh, tests/fresh/run.sh,
# manifests/tests/kube-play.sh): numbered "ok N - what (S s)" lines timed from the previous one, and
# a fail that runs the suite's `diagnostics` function (when it defines one) before exiting 1.
t0=$(date +%s)
step_t=$t0
passed=0
log() { printf '%s\n' "$*"; }
ok() {
  local now
  now=$(date +%s)
  passed=$((passed + 1))
  log "ok $passed - $* ($((now - step_t)) s)"
  step_t=$now
}
fail() {
  log "FAIL - $*"
  if declare -F diagnostics >/dev/null; then diagnostics; fi
  exit 1
}
