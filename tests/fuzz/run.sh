#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (docs/reliability.md, "Fuzzing").
# Usage: tests/fuzz/run.sh [--build DIR] [--seconds N] [--jobs N] [TARGET...]
#   --build    the BOUTIQUE_FUZZ=ON build (default build-fuzz; binaries in DIR/fuzz/fuzz_<target>)
#   --seconds  how long each target runs (default $FUZZ_SECONDS, else 600)
#   --jobs     how many targets run at once (default $FUZZ_JOBS, else 2: one a core here)
#   TARGET     api_body api_request cli_config cli_kubectl cli_compose (default: all)
# Each target starts from its committed seeds (tests/fuzz/corpus/<target>, read only) plus what
# earlier runs in this build found (DIR/fuzz-work/<target>/corpus), with its dictionary.
# Any crash, sanitizer report, broken invariant, input slower than 10 s, leak or RSS over 2 GB
# fails the run: libFuzzer keeps the input in DIR/fuzz-work/<target>/artifacts/ and this script
# prints the command that replays it. Exit 0 only when every target ran clean.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=build-fuzz
seconds=${FUZZ_SECONDS:-600}
jobs_max=${FUZZ_JOBS:-2}
all_targets=(api_body api_request cli_config cli_kubectl cli_compose)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs_max=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
case "$seconds" in ''|*[!0-9]*) echo "fuzz: --seconds needs a whole number, got '$seconds'" >&2; exit 2 ;; esac
case "$jobs_max" in ''|*[!0-9]*|0) echo "fuzz: --jobs needs a number >= 1, got '$jobs_max'" >&2; exit 2 ;; esac

if ! abs=$(cd "$build" 2>/dev/null && pwd); then
  echo "fuzz: no build directory '$build': configure it first (cmake --preset fuzz, or make fuzz)" >&2
  exit 2
fi
build=$abs
for t in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/fuzz_$t" ]; then
    echo "fuzz: $build/fuzz/fuzz_$t is missing: cmake --build $build --target fuzz_targets" >&2
    exit 2
  fi
  [ -d "$here/corpus/$t" ] || { echo "fuzz: no seeds in $here/corpus/$t" >&2; exit 2; }
done

# UB aborts (the build uses -fno-sanitize-recover); ASan reports leaks too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1 work="$build/fuzz-work/$1"
  mkdir -p "$work/corpus" "$work/artifacts"
  rm -f "$work/rc"
  local dict=()
  [ -f "$here/dict/$t.dict" ] && dict=("-dict=$here/dict/$t.dict")
  set +e
  "$build/fuzz/fuzz_$t" "$work/corpus" "$here/corpus/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >"$work/log" 2>&1
  echo $? >"$work/rc"
}

echo "fuzz: ${targets[*]} for ${seconds} s each, ${jobs_max} at a time (logs: $build/fuzz-work/<target>/log)"
start=$(date +%s)
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  rm -rf "$build/fuzz-work/$t/artifacts"
  run_one "$t" &
done
wait

failed=0
printf '%-12s %6s %12s %9s %6s %6s %8s %7s\n' target result execs exec/s cov ft corpus rss_mb
for t in "${targets[@]}"; do
  work="$build/fuzz-work/$t"
  rc=$(cat "$work/rc" 2>/dev/null || echo "?")
  stat() { sed -n "s/^stat::$1: *//p" "$work/log" | tail -1; }
  # The last status line: "#123456	DONE   cov: 812 ft: 2710 corp: 301/52Kb ..."
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  result=ok
  [ "$rc" = 0 ] || { result=FAIL; failed=1; }
  printf '%-12s %6s %12s %9s %6s %6s %8s %7s\n' "$t" "$result" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$(stat peak_rss_mb)"
done
echo "fuzz: $(( $(date +%s) - start )) s"

for t in "${targets[@]}"; do
  work="$build/fuzz-work/$t"
  [ "$(cat "$work/rc" 2>/dev/null)" = 0 ] && continue
  echo
  echo "=== fuzz_$t FAILED (exit $(cat "$work/rc" 2>/dev/null || echo '?')); end of $work/log:"
  tail -n 60 "$work/log"
  for a in "$work"/artifacts/*; do
    [ -e "$a" ] || continue
    echo "--- kept input: $a"
    echo "    reproduce: $build/fuzz/fuzz_$t $a"
    echo "    minimise:  $build/fuzz/fuzz_$t -minimize_crash=1 -runs=100000 $a"
  done
done
exit $failed
