#!/usr/bin/env bash
# Boutique API benchmark: boutique-api vs nginx (same bytes, static) vs the seed's Flask backend,
# measured with wrk in one go. The API and its PostgreSQL are started by `boutique up db api` (local
# target, a throwaway state dir, free ports): what `make up` runs. See bench/README.md.
#
#   bench/run.sh                      (or: make bench)
#
# Environment (all optional):
#   BOUTIQUE_API_BIN    API binary                      default build/bin/boutique-api
#   BOUTIQUE_CLI_BIN    the CLI that starts the stack   default the `boutique` next to the API
#   BENCH_DURATION      seconds measured per target     default 10
#   BENCH_WARMUP        seconds of warm-up per target   default 2 (0: none)
#   BENCH_CONNECTIONS   wrk connections                 default 64
#   BENCH_THREADS       wrk threads                     default 2
#   BENCH_ROUNDS        nginx / API list pairs, run in turn; the ratio is their median   default 3
#   BENCH_SEARCH_TERM   the q= of the search runs       default "sans fil"
#   BENCH_OUT           summary JSON                    default bench/results/latest.json
#   BENCH_KEEP=1        keep the work dir (logs, wrk outputs, nginx conf) instead of deleting it
#   BENCH_PERF=1        profile the API during its measured runs (perf record -p, flat profile in
#                       bench/results/perf-api_*.txt); perf costs a little throughput in those runs
#
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit, error or Ctrl-C.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
PY=/usr/bin/python3   # Debian's interpreter: it has flask, psycopg2 and gunicorn

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
SEARCH_TERM=${BENCH_SEARCH_TERM:-sans fil}
OUT=${BENCH_OUT:-$here/results/latest.json}
API_BIN=${BOUTIQUE_API_BIN:-}
CLI_BIN=${BOUTIQUE_CLI_BIN:-}

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*"; }

for v in DURATION WARMUP CONNS THREADS ROUNDS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
if [ "$DURATION" -lt 1 ] || [ "$DURATION" -gt 600 ]; then die "BENCH_DURATION must be 1..600 seconds"; fi
[ "$WARMUP" -le 60 ] || die "BENCH_WARMUP must be 0..60 seconds"
if [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 9 ]; then die "BENCH_ROUNDS must be 1..9"; fi
if [ "$THREADS" -lt 1 ] || [ "$CONNS" -lt "$THREADS" ]; then die "need BENCH_CONNECTIONS >= BENCH_THREADS >= 1"; fi
if [ -z "$SEARCH_TERM" ] || [ ${#SEARCH_TERM} -gt 100 ]; then die "BENCH_SEARCH_TERM must be 1..100 chars"; fi

# ---------------------------------------------------------------- prerequisites
missing=()
for tool in wrk nginx curl ps; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (run: scripts/install-deps.sh run bench)"
"$PY" -c 'import flask, psycopg2, gunicorn' 2>/dev/null ||
  die "$PY lacks flask/psycopg2/gunicorn (run: scripts/install-deps.sh bench)"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
resolve_binaries

# ---------------------------------------------------------------- work dir and cleanup
bench_start bench "${BENCH_KEEP:-0}"
api_pid="" gunicorn_pid="" nginx_pid="" wrk_pid="" perf_pid=""

stop_extra() {
  if [ "$bench_rc" -ne 0 ] && [ "$bench_rc" -ne 130 ] && [ "$bench_rc" -ne 143 ]; then
    for log in up.log gunicorn.log nginx/error.log; do
      [ -s "$work/$log" ] && { echo "--- last lines of $log" >&2; tail -n 15 "$work/$log" >&2; }
    done
  fi
  stop_pid "$wrk_pid"
  stop_pid "$perf_pid"
  stop_pid "$gunicorn_pid"
  stop_pid "$nginx_pid"
}

proc_sum() {   # proc_sum rss|cpu PID...: VmRSS (kB) or user + system CPU (clock ticks), summed
  local what=$1 total=0 pid v
  shift
  for pid in "$@"; do
    if [ "$what" = rss ]; then
      v=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    else
      v=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || true)
    fi
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

tree_sum() {   # tree_sum rss|cpu PID: the process and its direct children (workers, backends)
  # shellcheck disable=SC2046
  proc_sum "$1" "$2" $(ps -o pid= --ppid "$2")
}

# ---------------------------------------------------------------- conditions
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
reaped_ticks() {   # CPU of this script's finished children (wrk, through timeout): cutime + cstime
  awk '{sub(/^.*\) /, ""); print $14 + $15}' "/proc/$$/stat"
}
hz=$(getconf CLK_TCK)
load1=$(cut -d' ' -f1 /proc/loadavg)
b0=$(busy_ticks)
sleep 2
busy_pct=$(( ($(busy_ticks) - b0) * 100 / (2 * hz * $(nproc)) ))   # other jobs, before we start
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine_cores=$(nproc)"
  echo "machine_cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "machine_kernel=$(uname -r)"
  echo "machine_mem_mb=$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)"
  echo "machine_load1_at_start=$load1"
  echo "machine_busy_pct_at_start=$busy_pct"
  echo "cond_connections=$CONNS"
  echo "cond_threads=$THREADS"
  echo "cond_duration_s=$DURATION"
  echo "cond_rounds=$ROUNDS"
  echo "cond_warmup_s=$WARMUP"
  echo "cond_search_term=$SEARCH_TERM"
  echo "cond_api_bin=$API_BIN"
  echo "cond_api_env=$(env | grep -E '^BOUTIQUE_(THREADS|DB_POOL)=' | tr '\n' ' ' || true)"
  echo "cond_git_commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
    [ -z "$(git -C "$root" status --porcelain -- api 2>/dev/null)" ] || echo '+uncommitted-api-changes')"
  echo "ver_api=$("$API_BIN" --version 2>&1 | head -n 1 || true)"
  echo "ver_nginx=$(nginx -v 2>&1 | sed 's/.*nginx\///')"
  echo "ver_wrk=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}')"
  echo "ver_gunicorn=$("$PY" -c 'import gunicorn; print(gunicorn.__version__)')"
  echo "ver_flask=$("$PY" -c 'import importlib.metadata as m; print(m.version("flask"))')"
  echo "ver_python=$("$PY" -c 'import platform; print(platform.python_version())')"
} >"$work/meta.env"
if [ "$busy_pct" -gt 10 ]; then
  say "WARNING: the machine is not quiet (CPU ${busy_pct}% busy over 2 s, load average $load1):" \
    "other jobs compete for the cores; ratios from this run are less reliable"
fi

# ---------------------------------------------------------------- 1. PostgreSQL and the API
admin_pw=$(random_pw)
user_pw=$(random_pw)
say "boutique up db api (local target, state in $work/stack)"
stack_up db api
echo "ver_postgresql=$(sql "$db_url" "SHOW server_version")" >>"$work/meta.env"

curl -fsS --max-time 5 -D "$work/api-list.headers" -o "$work/api-list.json" "$api/api/produits"
content_type=$(awk 'tolower($1) == "content-type:" {sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print; exit}' \
  "$work/api-list.headers")
[ -n "$content_type" ] || die "GET /api/produits sent no Content-Type"
count=$("$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$work/api-list.json")
[ "$count" -ge 24 ] || say "WARNING: the API lists $count products (the demo catalogue should have 24+)"
say "API ready: $count products, $(wc -c <"$work/api-list.json") bytes, Content-Type: $content_type"

q=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$SEARCH_TERM")
curl -fsS --max-time 5 -o "$work/api-search.json" "$api/api/produits?q=$q"
hits=$("$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$work/api-search.json")
[ "$hits" -ge 1 ] || die "search '$SEARCH_TERM' finds nothing in the API's catalogue: set BENCH_SEARCH_TERM"

# ---------------------------------------------------------------- 2. the Flask baseline (same database)
flask_port=$(free_port)
say "starting the Flask baseline (gunicorn, 2 sync workers) on 127.0.0.1:$flask_port"
env DATABASE_URL="$db_url" "$PY" -m gunicorn --workers 2 --worker-class sync \
  --bind "127.0.0.1:$flask_port" --chdir "$here/baseline" --error-logfile "$work/gunicorn.log" \
  app:app >/dev/null 2>&1 &
gunicorn_pid=$!
flask=http://127.0.0.1:$flask_port
wait_http "$flask/api/produits" "$gunicorn_pid" "gunicorn"
curl -fsS --max-time 5 -o "$work/flask-list.json" "$flask/api/produits"
curl -fsS --max-time 5 -o "$work/flask-search.json" "$flask/api/produits?q=$q"
"$PY" "$here/report.py" compare "$work/api-list.json" "$work/flask-list.json" >"$work/compare.txt" ||
  say "WARNING: the Flask baseline does not list the same products as the API (see below)"
say "baseline equivalence: $(cat "$work/compare.txt")"
if ! "$PY" "$here/report.py" compare "$work/api-search.json" "$work/flask-search.json" >/dev/null; then
  say "WARNING: search '$SEARCH_TERM': API and Flask return different results"
fi

# ---------------------------------------------------------------- 3. nginx serving the same bytes
start_static_nginx "$work/api-list.json" "$content_type"
curl -fsS --max-time 5 -D "$work/nginx.headers" -o "$work/nginx-list.json" "$static/api/produits"
cmp -s "$work/api-list.json" "$work/nginx-list.json" || die "nginx does not serve the API's bytes"
grep -qiF "content-type: $content_type" "$work/nginx.headers" ||
  die "nginx sends another Content-Type than the API's ($content_type)"

# ---------------------------------------------------------------- 4. load
sleep 1
api_idle_kb=$(proc_sum rss "$api_pid")

# wrk catches SIGINT and exits 0 with partial figures: run in the foreground, bash would then skip our
# INT trap and go on measuring. In the background, `wait` returns at once on Ctrl-C and the trap runs.
run_wrk() {   # run_wrk LIMIT_S WRK_ARGS...
  local limit=$1
  shift
  timeout -k 5 "$limit" wrk -t "$THREADS" -c "$CONNS" "$@" &
  wrk_pid=$!
  wait "$wrk_pid"
  wrk_pid=""
}

pg_pid=$(stack_pg_pid)

measure() {   # measure NAME[.rN] URL SERVER_PID (.rN: round N of a target measured in rounds)
  local name=$1 url=$2 server=$3 limit=$((DURATION + WARMUP + 30)) s0 p0 b0 t0
  local target=${name%.r[0-9]}
  curl -fsS --max-time 5 -o /dev/null -w '%{size_download}' "$url" >"$work/bytes-$name"
  if [ "$WARMUP" -gt 0 ]; then
    run_wrk "$limit" -d "${WARMUP}s" "$url" >/dev/null
  fi
  if [ "${BENCH_PERF:-0}" = 1 ] && [ "$server" = "$api_pid" ]; then
    perf record -q -F 499 -p "$api_pid" -o "$work/perf-$name.data" -- sleep "$DURATION" \
      >"$work/perf-$name.log" 2>&1 &
    perf_pid=$!
  fi
  s0=$(tree_sum cpu "$server") p0=$(tree_sum cpu "$pg_pid") w0=$(reaped_ticks) b0=$(busy_ticks)
  t0=$(date +%s%N)
  run_wrk "$limit" -d "${DURATION}s" --latency "$url" >"$work/wrk-$name.txt"
  awk -v hz="$hz" -v ns=$(($(date +%s%N) - t0)) -v s=$(($(tree_sum cpu "$server") - s0)) \
    -v p=$(($(tree_sum cpu "$pg_pid") - p0)) -v w=$(($(reaped_ticks) - w0)) \
    -v b=$(($(busy_ticks) - b0)) 'BEGIN {
      e = ns / 1e9 * hz
      printf "server=%.2f\npostgres=%.2f\nwrk=%.2f\nall=%.2f\n", s / e, p / e, w / e, b / e
    }' >"$work/cpu-$name"
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
    perf_pid=""
    {
      echo "# $name: share of the API's CPU samples by library, then by function"
      perf report -i "$work/perf-$name.data" --no-children --sort dso --stdio 2>/dev/null |
        grep -v -e '^#' -e '^$' | head -n 12
      echo
      perf report -i "$work/perf-$name.data" --no-children --sort dso,sym --stdio 2>/dev/null |
        grep -v -e '^#' -e '^$' | head -n 40
    } >"$(dirname "$OUT")/perf-$target.txt" || true
  fi
  printf 'bench: %-14s %10s req/s   p99 %s\n' "$name" \
    "$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/wrk-$name.txt")" \
    "$(awk '$1 == "99%" {print $2}' "$work/wrk-$name.txt")"
}

mkdir -p "$(dirname "$OUT")"
say "wrk: $THREADS threads, $CONNS connections, ${WARMUP} s warm-up + ${DURATION} s per target"
# nginx's throughput here moves between runs by up to a third (a run of 120 k req/s, the next
# 156 k: where the scheduler puts its workers and wrk's threads), the API's less: one pair of runs
# can land anywhere. The list is measured in ROUNDS pairs, each pair back to back; the ratio
# reported is the median of the pairs' ratios (docs/performance.md).
for round in $(seq 1 "$ROUNDS"); do
  measure "nginx_static.r$round" "$static/api/produits" "$nginx_pid"
  measure "api_list.r$round" "$api/api/produits" "$api_pid"
done
measure api_search "$api/api/produits?q=$q" "$api_pid"
sleep 1
api_after_kb=$(proc_sum rss "$api_pid")
measure flask_list "$flask/api/produits" "$gunicorn_pid"
measure flask_search "$flask/api/produits?q=$q" "$gunicorn_pid"
{
  echo "api_idle_kb=$api_idle_kb"
  echo "api_after_kb=$api_after_kb"
  echo "gunicorn_kb=$(tree_sum rss "$gunicorn_pid")"
  echo "nginx_kb=$(tree_sum rss "$nginx_pid")"
} >"$work/rss.env"

# ---------------------------------------------------------------- 5. report
"$PY" "$here/report.py" summary "$work" "$OUT"
echo
say "summary written to ${OUT#"$root"/}"
