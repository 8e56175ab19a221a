#!/usr/bin/env bash
# Orders under PostgreSQL's default durability (issue 15, part 3): one customer orders one unit of
# one hot product (a stock of 1 000 000: no run exhausts it) on ORDERS_CONNECTIONS connections for ORDERS_DURATION
# seconds; then, while the same orders keep flowing, nginx serving the list's exact bytes and the
# API's cached list are read in turn (ORDERS_DURATION / 2 s each, ORDERS_ROUNDS pairs) for their
# ratio: the median of the pairs' ratios. The stack is
# started by `boutique up db api` on a throwaway state dir: what `make up` runs, PostgreSQL with
# fsync and synchronous_commit on, as it ships. See bench/README.md.
#
#   bench/orders.sh
#
# Environment (all optional):
#   BOUTIQUE_API_BIN      API binary        default build/bin/boutique-api (what `make up` runs)
#   BOUTIQUE_CLI_BIN      the CLI           default the `boutique` next to the API binary
#   ORDERS_DURATION       seconds           default 10 (2..300)
#   ORDERS_CONNECTIONS    wrk connections   default 32
#   ORDERS_ROUNDS         nginx / API read pairs while orders flow (1..9)   default 3
#   ORDERS_OUT            summary           default bench/results/orders.env
#   ORDERS_KEEP=1         keep the work dir
#
# Exit 0 when every order was acknowledged (201), the stock is exactly the initial one minus the
# acknowledged orders, every acknowledged order is in the database, and no read failed; 1 otherwise.
# Throughput is reported, never asserted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

DURATION=${ORDERS_DURATION:-10}
CONNS=${ORDERS_CONNECTIONS:-32}
ROUNDS=${ORDERS_ROUNDS:-3}
OUT=${ORDERS_OUT:-$here/results/orders.env}
API_BIN=${BOUTIQUE_API_BIN:-}
CLI_BIN=${BOUTIQUE_CLI_BIN:-}
STOCK=1000000 # the API's maximum: more than 100 s of orders at 10 000/s

die() { echo "orders: $*" >&2; exit 1; }
say() { echo "orders: $*"; }

for v in DURATION CONNS; do
  if ! [[ ${!v} =~ ^[0-9]+$ ]] || [ "${!v}" -lt 2 ]; then die "ORDERS_$v must be a whole number >= 2 (got '${!v}')"; fi
done
[ "$DURATION" -le 300 ] || die "ORDERS_DURATION must be 2..300 seconds"
if ! [[ $ROUNDS =~ ^[1-9]$ ]]; then die "ORDERS_ROUNDS must be 1..9 (got '$ROUNDS')"; fi
for tool in wrk curl nginx; do command -v "$tool" >/dev/null 2>&1 || die "missing $tool (run: scripts/install-deps.sh run bench)"; done
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
resolve_binaries

bench_start orders "${ORDERS_KEEP:-0}"
"$PY" -c 'import psycopg2' 2>/dev/null || die "$PY lacks psycopg2 (run: scripts/install-deps.sh bench)"
orders_pid="" nginx_pid="" reader_pid=""

stop_extra() {
  stop_pid "$orders_pid"
  stop_pid "$reader_pid"
  stop_pid "$nginx_pid"
}

machine_conditions >"$work/summary.env"
admin_pw=$(random_pw)
user_pw=$(random_pw)
say "boutique up db api (local target, state in $work/stack)"
stack_up db api
{
  echo "cond_duration_s=$DURATION"
  echo "cond_connections=$CONNS"
  echo "cond_api_bin=$API_BIN"
  echo "cond_fsync=$(sql "$db_url" "SHOW fsync")"
  echo "cond_synchronous_commit=$(sql "$db_url" "SHOW synchronous_commit")"
  echo "cond_api_env=$(env | grep -E '^BOUTIQUE_(THREADS|WORKERS|QUEUE|DB_POOL)=' | tr '\n' ' ' || true)"
} >>"$work/summary.env"

admin=$(login "$api" admin@boutique.local "$admin_pw")
customer=$(login "$api" client@boutique.local "$user_pw")
hot=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' -H "Authorization: Bearer $admin" \
  -d "{\"nom\":\"Produit chaud\",\"categorie\":\"Banc d'essai\",\"prix\":\"9.90\",\"stock\":$STOCK}" \
  "$api/api/produits" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["id"])')
say "hot product $hot, stock $STOCK; wrk -t 2 -c $CONNS, 1 unit per order"

run_orders() { # run_orders SECONDS OUTPUT IDS_FILE: the order load in the background
  MIX_TOKEN=$customer MIX_ORDER_EVERY=1 MIX_PRODUCTS=$hot MIX_IDS_FILE=$3 \
    timeout -k 5 $(($1 + 30)) wrk -t 2 -c "$CONNS" -d "${1}s" --timeout 10s --latency \
    -s "$here/mix.lua" "$api/api/produits" >"$2" 2>&1 &
  orders_pid=$!
}
finish_orders() {
  wait "$orders_pid" || die "wrk (orders) failed: $(tail -n 3 "$1")"
  orders_pid=""
}
read_list() { # read_list NAME URL SECONDS: wrk on the list in the foreground
  timeout -k 5 $(($3 + 30)) wrk -t 1 -c 16 -d "${3}s" --timeout 10s --latency "$2" >"$work/read-$1.wrk" 2>&1 &
  reader_pid=$!
  wait "$reader_pid" || die "wrk ($1) failed: $(tail -n 3 "$work/read-$1.wrk")"
  reader_pid=""
}

# 1. Orders alone.
run_orders "$DURATION" "$work/orders.wrk" "$work/orders.ids"
finish_orders "$work/orders.wrk"

# 2. Orders again, and the list read meanwhile: nginx (same bytes), then the API's cached list.
curl -fsS --max-time 5 -D "$work/list.headers" -o "$work/list.json" "$api/api/produits"
content_type=$(awk 'tolower($1) == "content-type:" {sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print; exit}' "$work/list.headers")
start_static_nginx "$work/list.json" "$content_type"
half=$((DURATION / 2))
run_orders $((2 * half * ROUNDS + 2)) "$work/orders2.wrk" "$work/orders2.ids"
sleep 1 # the orders are flowing (pacing)
for round in $(seq 1 "$ROUNDS"); do # pairs back to back: the machine's state moves between runs
  read_list "nginx.r$round" "$static/api/produits" "$half"
  read_list "api.r$round" "$api/api/produits" "$half"
done
finish_orders "$work/orders2.wrk"

# 3. Verdict.
acked=$(($(wc -l <"$work/orders.ids") + $(wc -l <"$work/orders2.ids")))
stock_now=$(sql "$db_url" "SELECT stock FROM produits WHERE id = $hot")
# Orders still in flight when wrk stopped were committed but never read: the stock is checked
# against every order in the database, and every acknowledged one must be among them.
units=$(sql "$db_url" "SELECT coalesce(sum(quantite), 0) FROM lignes_commande WHERE produit_id = $hot")
cat "$work/orders.ids" "$work/orders2.ids" >"$work/all.ids"
{
  echo "orders_per_s=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/orders.wrk")"
  echo "orders_p50=$(awk '$1 == "50%" {print $2}' "$work/orders.wrk")"
  echo "orders_p99=$(awk '$1 == "99%" {print $2}' "$work/orders.wrk")"
  echo "orders_statuses=$(grep '^status_' "$work/orders.wrk" | sed 's/^status_//' | tr '\n' ' ')"
  echo "orders_non_2xx=$(($(wrk_non_2xx "$work/orders.wrk") + $(wrk_non_2xx "$work/orders2.wrk")))"
  echo "orders_socket_errors=$(($(wrk_socket_errors "$work/orders.wrk") + $(wrk_socket_errors "$work/orders2.wrk")))"
  echo "orders_acknowledged=$acked"
  echo "orders_acknowledged_missing=$(missing_orders "$db_url" "$work/all.ids")"
  echo "orders_in_database=$units"
  echo "stock_expected=$((STOCK - units))"
  echo "stock_now=$stock_now"
  echo "during_orders_per_s=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/orders2.wrk")"
  median() { sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print 0}'; }
  pairs="" failed=0
  for round in $(seq 1 "$ROUNDS"); do
    pairs+="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/read-api.r$round.wrk"):$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/read-nginx.r$round.wrk") "
    for side in api nginx; do
      failed=$((failed + $(wrk_non_2xx "$work/read-$side.r$round.wrk") + $(wrk_socket_errors "$work/read-$side.r$round.wrk")))
    done
  done
  echo "during_pairs=${pairs% }" # API:nginx req/s of each round
  echo "during_nginx_per_s=$(tr ' ' '\n' <<<"${pairs% }" | cut -d: -f2 | median)"
  echo "during_api_list_per_s=$(tr ' ' '\n' <<<"${pairs% }" | cut -d: -f1 | median)"
  # the median of the pairs' ratios (each pair measured back to back)
  echo "during_list_ratio=$(tr ' ' '\n' <<<"${pairs% }" | awk -F: '$2 > 0 {printf "%.2f\n", $1 / $2}' | median)"
  echo "during_api_list_p99=$(awk '$1 == "99%" {print $2}' "$work/read-api.r1.wrk")"
  echo "during_reads_failed=$failed"
  echo "load_avg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$work/summary.env"
mkdir -p "$(dirname "$OUT")"
cp "$work/summary.env" "$OUT"

get() { awk -F= -v k="$1" '$1 == k {sub(/^[^=]*=/, ""); print; exit}' "$OUT"; }
ratio=$(get during_list_ratio)
echo
printf '%-34s %s\n' \
  "orders (one hot product, c=$CONNS)" "$(get orders_per_s)/s, p50 $(get orders_p50), p99 $(get orders_p99) (fsync $(get cond_fsync), synchronous_commit $(get cond_synchronous_commit))" \
  "stock" "$(get stock_now), expected $(get stock_expected) ($STOCK - $(get orders_in_database) orders in the database, $(get orders_acknowledged) acknowledged)" \
  "while orders flow ($(get during_orders_per_s)/s)" "nginx $(get during_nginx_per_s) req/s, API cached list $(get during_api_list_per_s) req/s (medians; API p99 of the first pair $(get during_api_list_p99)): ${ratio}x" \
  "  pairs, API:nginx req/s" "$(get during_pairs)" \
  "load average before/after" "$(get machine_load_avg) / $(get load_avg_after)"
echo
say "summary written to ${OUT#"$root"/}"
failures=()
[ "$(get orders_non_2xx)" = 0 ] || failures+=("$(get orders_non_2xx) orders not acknowledged ($(get orders_statuses))")
[ "$(get orders_socket_errors)" = 0 ] || failures+=("socket errors on the orders")
[ "$(get stock_now)" = "$(get stock_expected)" ] || failures+=("stock $(get stock_now), expected $(get stock_expected)")
[ "$(get orders_acknowledged_missing)" = 0 ] || failures+=("$(get orders_acknowledged_missing) acknowledged orders missing")
[ "$(get orders_in_database)" -ge "$(get orders_acknowledged)" ] || failures+=("fewer orders in the database than acknowledged")
[ "$(get during_reads_failed)" = 0 ] || failures+=("reads failed while orders flowed")
finish_checks "every order acknowledged, stock exact"
