#!/usr/bin/env bash
# Sustained load on boutique-api: wrk at 256 connections on GET /api/produits mixed with orders
# (POST /api/commandes as the demo customer), then the verdict: socket errors, non-2xx answers,
# RSS growth of the API, and the orders' consistency in the database. The API and its PostgreSQL
# are started by `boutique up db api` (local target, a throwaway state dir, free ports): what
# `make up` runs, PostgreSQL with its default durability. See bench/README.md.
#
#   bench/load.sh
#
# Environment (all optional):
#   BOUTIQUE_API_BIN    API binary           default build/bin/boutique-api (what `make up` runs)
#   BOUTIQUE_CLI_BIN    the CLI              default the `boutique` next to the API binary
#   LOAD_DURATION       seconds measured     default 60 (1..600)
#   LOAD_WARMUP         seconds of warm-up   default 5 (0..60): the RSS "before" is taken after it
#   LOAD_CONNECTIONS    wrk connections      default 256
#   LOAD_THREADS        wrk threads          default 2
#   LOAD_ORDER_EVERY    one request in N of each wrk thread is an order (0: none)   default 50
#   LOAD_OUT            summary (key=value)  default bench/results/load.env
#   LOAD_KEEP=1         keep the work dir (logs, wrk output) instead of deleting it
#
# Exit 0 when every check passes: 0 socket errors, only 200/201 answers, RSS growth <= 5 MB over the
# measured run, every order acknowledged present, no half-written order, stock arithmetic exact.
# Exit 1 when a check fails or something could not be measured. Loopback only; every process
# started here is stopped on exit, error or Ctrl-C.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

DURATION=${LOAD_DURATION:-60}
WARMUP=${LOAD_WARMUP:-5}
CONNS=${LOAD_CONNECTIONS:-256}
THREADS=${LOAD_THREADS:-2}
ORDER_EVERY=${LOAD_ORDER_EVERY:-50}
OUT=${LOAD_OUT:-$here/results/load.env}
API_BIN=${BOUTIQUE_API_BIN:-}
CLI_BIN=${BOUTIQUE_CLI_BIN:-}
RSS_LIMIT_KB=$((5 * 1000)) # 5 MB (10^6 bytes), as in the issue

die() { echo "load: $*" >&2; exit 1; }
say() { echo "load: $*"; }

for v in DURATION WARMUP CONNS THREADS ORDER_EVERY; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "LOAD_$v must be a whole number (got '${!v}')"
done
if [ "$DURATION" -lt 1 ] || [ "$DURATION" -gt 600 ]; then die "LOAD_DURATION must be 1..600 seconds"; fi
[ "$WARMUP" -le 60 ] || die "LOAD_WARMUP must be 0..60 seconds"
if [ "$THREADS" -lt 1 ] || [ "$CONNS" -lt "$THREADS" ]; then die "need LOAD_CONNECTIONS >= LOAD_THREADS >= 1"; fi
for tool in wrk curl; do command -v "$tool" >/dev/null 2>&1 || die "missing $tool (run: scripts/install-deps.sh run bench)"; done
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
resolve_binaries

bench_start load "${LOAD_KEEP:-0}"
"$PY" -c 'import psycopg2' 2>/dev/null || die "$PY lacks psycopg2 (run: scripts/install-deps.sh bench)"
api_pid="" wrk_pid=""

stop_extra() { stop_pid "$wrk_pid"; }

machine_conditions >"$work/summary.env"
{
  echo "cond_duration_s=$DURATION"
  echo "cond_warmup_s=$WARMUP"
  echo "cond_connections=$CONNS"
  echo "cond_threads=$THREADS"
  echo "cond_order_every=$ORDER_EVERY"
  echo "cond_api_bin=$API_BIN"
  echo "ver_api=$("$API_BIN" --version 2>&1 | head -n 1)"
} >>"$work/summary.env"
say "$(grep machine_load_avg "$work/summary.env") (2-core machine: other jobs depress the figures)"

# ---------------------------------------------------------------- PostgreSQL and the API
user_pw=$(random_pw)
admin_pw=$(random_pw)
say "boutique up db api (local target, state in $work/stack)"
stack_up db api

token=$(login "$api" client@boutique.local "$user_pw")
[ -n "$token" ] || die "cannot log in as the demo customer"
# Every demo product gets a stock that no run can exhaust: every order must succeed (201).
sql "$db_url" "UPDATE produits SET stock = 1000000000" >/dev/null
products=$(sql "$db_url" "SELECT string_agg(id::text, ',') FROM produits")
say "orders: 1 request in $ORDER_EVERY per wrk thread, 1 unit of one of $(echo "$products" | tr ',' '\n' | wc -l) products"

run_wrk() { # run_wrk SECONDS OUTPUT [IDS_FILE]
  MIX_TOKEN=$token MIX_ORDER_EVERY=$ORDER_EVERY MIX_PRODUCTS=$products MIX_IDS_FILE=${3:-} \
    timeout -k 5 $(($1 + 30)) wrk -t "$THREADS" -c "$CONNS" -d "${1}s" --timeout 5s --latency \
    -s "$here/mix.lua" "$api/api/produits" >"$2" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || die "wrk failed: $(tail -n 5 "$2")"
  wrk_pid=""
}

sleep 1 # let start-up allocations settle: this is the idle figure, not synchronisation
echo "rss_idle_kb=$(rss_kb "$api_pid")" >>"$work/summary.env"
if [ "$WARMUP" -gt 0 ]; then
  say "warm-up: ${WARMUP} s"
  run_wrk "$WARMUP" "$work/wrk-warmup.txt"
fi
snapshot_stock "$db_url"
sleep 1 # the warm-up's connections are closed and freed: same state as after the measured run
rss_before=$(rss_kb "$api_pid")

say "measuring: wrk -t $THREADS -c $CONNS -d ${DURATION}s"
run_wrk "$DURATION" "$work/wrk.txt" "$work/acked-ids"
sleep 1
rss_after=$(rss_kb "$api_pid")
kill -0 "$api_pid" 2>/dev/null || die "the API died during the run"

# ---------------------------------------------------------------- verdict
w=$work/wrk.txt
{
  echo "rss_before_kb=$rss_before"
  echo "rss_after_kb=$rss_after"
  echo "rss_growth_kb=$((rss_after - rss_before))"
  echo "rss_peak_kb=$(rss_kb "$api_pid" VmHWM)"
  echo "requests=$(awk '/requests in/ {print $1}' "$w")"
  echo "req_per_s=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$w")"
  echo "latency_p50=$(awk '$1 == "50%" {print $2}' "$w")"
  echo "latency_p99=$(awk '$1 == "99%" {print $2}' "$w")"
  echo "latency_max=$(awk '$1 == "Latency" {print $4}' "$w")"
  echo "socket_errors=$(wrk_socket_errors "$w")"
  echo "socket_errors_detail=$(grep 'Socket errors:' "$w" | sed 's/^ *Socket errors: //' || echo none)"
  echo "non_2xx=$(wrk_non_2xx "$w")"
  grep -E '^(status_[0-9]+|orders_sent)=' "$w"
  echo "orders_acknowledged=$(wc -l <"$work/acked-ids")"
  echo "orders_acknowledged_missing=$(missing_orders "$db_url" "$work/acked-ids")"
  check_orders "$db_url"
  echo "api_load_avg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$work/summary.env"
mkdir -p "$(dirname "$OUT")"
cp "$work/summary.env" "$OUT"
cp "$w" "$(dirname "$OUT")/load-wrk.txt"

get() { awk -F= -v k="$1" '$1 == k {print $2}' "$OUT"; }
failures=()
[ "$(get socket_errors)" = 0 ] || failures+=("socket errors: $(get socket_errors_detail)")
[ "$(get non_2xx)" = 0 ] || failures+=("$(get non_2xx) non-2xx answers ($(grep '^status_' "$OUT" | tr '\n' ' '))")
[ "$(get rss_growth_kb)" -le "$RSS_LIMIT_KB" ] || failures+=("RSS grew by $(get rss_growth_kb) kB (limit $RSS_LIMIT_KB)")
for k in orders_acknowledged_missing orders_without_lines orders_bad_total stock_mismatch negative_stock; do
  [ "$(get "$k")" = 0 ] || failures+=("$k=$(get "$k")")
done
created=$(get status_201)
[ "$(get orders_acknowledged)" = "${created:-0}" ] ||
  failures+=("wrk counted ${created:-0} answers 201 but recorded $(get orders_acknowledged) order ids")
[ "$(get orders_since_snapshot)" -ge "$(get orders_acknowledged)" ] ||
  failures+=("fewer orders in the database ($(get orders_since_snapshot)) than acknowledged ($(get orders_acknowledged))")

echo
printf '%-28s %s\n' "throughput" "$(get req_per_s) req/s ($(get requests) requests in ${DURATION} s, c=$CONNS)" \
  "latency p50 / p99 / max" "$(get latency_p50) / $(get latency_p99) / $(get latency_max)" \
  "answers" "$(grep '^status_' "$OUT" | sed 's/^status_//' | tr '\n' ' ')" \
  "socket errors" "$(get socket_errors)" \
  "orders acknowledged (201)" "$(get orders_acknowledged) (in the database since the snapshot: $(get orders_since_snapshot))" \
  "orders consistency" "without lines $(get orders_without_lines), bad total $(get orders_bad_total), stock mismatch $(get stock_mismatch)" \
  "API RSS idle/before/after" "$(get rss_idle_kb) / $(get rss_before_kb) / $(get rss_after_kb) kB (growth $(get rss_growth_kb) kB, peak $(get rss_peak_kb) kB)" \
  "load average before/after" "$(get machine_load_avg) / $(get api_load_avg_after)"
echo
say "summary written to ${OUT#"$root"/}"
finish_checks "every check"
