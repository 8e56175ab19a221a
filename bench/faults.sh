#!/usr/bin/env bash
# Faults under load, against the stack as `boutique up db api` starts it (local target, a throwaway
# state dir, free ports, PostgreSQL with its default durability; see bench/README.md):
#   pgkill   SIGKILL on the postmaster while wrk places orders and reads the catalogue: the API stays
#            up, /readyz 503 within 2 s, data routes 503 problem+json (no 500, no hang), full recovery
#            within 5 s of PostgreSQL's return, no order half-written or lost once acknowledged.
#   sigterm  SIGTERM while wrk runs and 32 requests are in flight: each of them answered, exit 0
#            within 2 s, every order acknowledged present.
#   downup   `boutique down` then `boutique up` while clients keep placing orders, retrying with
#            their Idempotency-Key: every order acknowledged with a 2xx is in the database
#            afterwards, none twice.
#
#   bench/faults.sh                      all three, ≈ 1 min
#   FAULTS_SCENARIOS=pgkill bench/faults.sh
#
# Environment (all optional):
#   BOUTIQUE_API_BIN    API binary        default build/bin/boutique-api (what `make up` runs)
#   BOUTIQUE_CLI_BIN    the CLI           default the `boutique` next to the API binary
#   FAULTS_SCENARIOS    which ones        default "pgkill sigterm downup"
#   FAULTS_CONNECTIONS  wrk connections   default 64
#   FAULTS_OUTAGE       seconds PostgreSQL stays down (pgkill)   default 3 (1..60)
#   FAULTS_OUT          summary           default bench/results/faults.env
#   FAULTS_KEEP=1       keep the work dir
# Exit 0 when every check of every scenario run passes, 1 otherwise. Loopback only; everything
# started here (PostgreSQL, the API, wrk, the local stack) is stopped on exit, error or Ctrl-C.
# shellcheck disable=SC2015 # "[ ok ] || fail ...": fail records, it does not exit
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

SCENARIOS=${FAULTS_SCENARIOS:-pgkill sigterm downup}
CONNS=${FAULTS_CONNECTIONS:-64}
OUTAGE=${FAULTS_OUTAGE:-3}
OUT=${FAULTS_OUT:-$here/results/faults.env}
API_BIN=${BOUTIQUE_API_BIN:-}
CLI_BIN=${BOUTIQUE_CLI_BIN:-}

die() { echo "faults: $*" >&2; exit 1; }
say() { echo "faults: $*"; }

for s in $SCENARIOS; do
  case $s in pgkill | sigterm | downup) ;; *) die "unknown scenario '$s' (pgkill sigterm downup)" ;; esac
done
[[ $CONNS =~ ^[0-9]+$ ]] && [ "$CONNS" -ge 2 ] || die "FAULTS_CONNECTIONS must be a whole number >= 2"
[[ $OUTAGE =~ ^[0-9]+$ ]] && [ "$OUTAGE" -ge 1 ] && [ "$OUTAGE" -le 60 ] || die "FAULTS_OUTAGE must be 1..60"
for tool in wrk curl; do command -v "$tool" >/dev/null 2>&1 || die "missing $tool (run: scripts/install-deps.sh run bench)"; done
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
resolve_binaries

bench_start faults "${FAULTS_KEEP:-0}"
"$PY" -c 'import psycopg2' 2>/dev/null || die "$PY lacks psycopg2 (run: scripts/install-deps.sh bench)"
api_pid="" own_api_pid="" wrk_pid="" client_pid=""
failures=()
fail() { failures+=("$*"); say "FAIL: $*"; }
record() { echo "$1=$2" >>"$work/summary.env"; }

stop_extra() {
  [ -n "$client_pid" ] && { touch "$work/stop-clients"; stop_pid "$client_pid"; }
  stop_pid "$wrk_pid"
  stop_pid "$own_api_pid"
}

machine_conditions >"$work/summary.env"
record cond_connections "$CONNS"
record cond_outage_s "$OUTAGE"
record cond_api_bin "$API_BIN"
say "$(grep machine_load_avg "$work/summary.env") (2-core machine, shared)"

user_pw=$(random_pw)
admin_pw=$(random_pw)

# ---------------------------------------------------------------- shared: the stack
ensure_api() { # the stack's database and API (started once, or again after sigterm stopped it)
  if [ -z "$api_pid" ] || ! kill -0 "$api_pid" 2>/dev/null; then
    say "boutique up db api (local target, state in $work/stack)"
    stack_up db api
    token=$(login "$api" client@boutique.local "$user_pw")
    sql "$db_url" "UPDATE produits SET stock = 1000000000" >/dev/null
    products=$(sql "$db_url" "SELECT string_agg(id::text, ',') FROM produits")
  fi
}

# The sigterm scenario reads the API's exit status, which only its parent can: the stack's API is
# stopped and the same binary started here with the environment `boutique up` gives it.
start_own_api() {
  stop_pid "$api_pid" # not our child: SIGTERM and wait until it is gone
  env DATABASE_URL="$db_url" PORT="$api_port" BOUTIQUE_BIND=127.0.0.1 BOUTIQUE_SEED_DEMO=1 \
    BOUTIQUE_ADMIN_PASSWORD="$admin_pw" BOUTIQUE_USER_PASSWORD="$user_pw" BOUTIQUE_LOG_FORMAT=json \
    "$API_BIN" >>"$api_log" 2>&1 &
  own_api_pid=$!
  api_pid=$own_api_pid
  wait_http "$api/readyz" "$own_api_pid" "boutique-api"
}

start_wrk() { # start_wrk SECONDS NAME: wrk mix in the background (orders 1 in 10)
  MIX_TOKEN=$token MIX_ORDER_EVERY=10 MIX_PRODUCTS=$products MIX_IDS_FILE=$work/$2.ids \
    timeout -k 5 $(($1 + 30)) wrk -t 2 -c "$CONNS" -d "${1}s" --timeout 5s \
    -s "$here/mix.lua" "$api/api/produits" >"$work/$2.wrk" 2>&1 &
  wrk_pid=$!
}

wrk_statuses() { grep '^status_' "$1" | sed 's/^status_//' | tr '\n' ' '; }

# poll_status URL WANT LIMIT_MS: ms until URL answers WANT (curl code 000 = no answer), or "never"
poll_status() {
  local url=$1 want=$2 limit=$3 t0 code
  t0=$(now_ms)
  while [ $(($(now_ms) - t0)) -le "$limit" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [ "$code" = "$want" ] && { echo $(($(now_ms) - t0)); return 0; }
    sleep 0.02
  done
  echo never
}

since() { # since T0_MS RESULT: now - T0 in ms, or "never" when RESULT is "never"
  if [ "$2" = never ]; then echo never; else echo $(($(now_ms) - $1)); fi
}

# probe NAME METHOD PATH [BODY]: one request (3 s limit); prints "status content-type seconds"
probe() {
  local args=(-s -o /dev/null -w '%{http_code} %{content_type} %{time_total}' --max-time 3 -X "$2")
  [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' -d "$4")
  curl "${args[@]}" -H "Authorization: Bearer $token" "$api$3" || true
}

# ---------------------------------------------------------------- pgkill
scenario_pgkill() {
  say "pgkill: wrk -c $CONNS (orders 1 in 10), SIGKILL on the postmaster after 3 s, ${OUTAGE} s outage"
  ensure_api
  snapshot_stock "$db_url"
  start_wrk $((OUTAGE + 15)) pgkill
  sleep 3 # load runs before the fault (pacing)
  local pm t_kill ms r name
  pm=$(stack_pg_pid)
  t_kill=$(now_ms)
  kill -KILL "$pm"
  ms=$(poll_status "$api/readyz" 503 5000)
  record pgkill_readyz_503_ms "$ms"
  [ "$ms" != never ] && [ "$ms" -le 2000 ] || fail "pgkill: /readyz not 503 within 2 s of the kill ($ms)"
  # Every data route that needs the database: 503 problem+json within the 3 s limit.
  local login_body="{\"email\":\"client@boutique.local\",\"password\":\"$user_pw\"}"
  for spec in "search|GET|/api/produits?q=zz$RANDOM|" "product|GET|/api/produits/1|" \
    "categories|GET|/api/categories|" "orders|GET|/api/commandes|" \
    "order|POST|/api/commandes|{\"lignes\":[{\"produit_id\":1,\"quantite\":1}]}" \
    "login|POST|/api/auth/login|$login_body"; do
    IFS='|' read -r name m path body <<<"$spec"
    r=$(probe "$name" "$m" "$path" "$body")
    record "pgkill_down_$name" "${r// /,}"
    case $r in
      "503 application/problem+json"*) ;;
      "200 "*) [ "$name" = product ] || [ "$name" = categories ] ||
        fail "pgkill: $name answered 200 with the database down?" ;;
      *) fail "pgkill: $name during the outage: $r (want 503 problem+json within 3 s)" ;;
    esac
  done
  # The cached catalogue: served from memory until the change listener notices, then 503 too.
  ms=$(poll_status "$api/api/produits" 503 3000)
  record pgkill_list_503_ms "$ms"
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$api/healthz")" = 200 ] ||
    fail "pgkill: /healthz not 200 during the outage"
  while [ $(($(now_ms) - t_kill)) -lt $((OUTAGE * 1000)) ]; do sleep 0.1; done
  # Orphaned backends exit on their own once they notice the postmaster is gone; until then
  # PostgreSQL refuses to start (shared memory still attached): `boutique up db` is retried.
  local t_restart t_up
  t_restart=$(now_ms)
  until stack up db >"$work/pg-restart.log" 2>&1; do
    [ $(($(now_ms) - t_restart)) -lt 30000 ] || die "PostgreSQL did not restart: $(tail -n 3 "$work/pg-restart.log")"
    sleep 0.2
  done
  t_up=$(now_ms)
  record pgkill_outage_ms $((t_up - t_kill))
  record pgkill_pg_restart_ms $((t_up - t_restart))
  # Each figure: ms from PostgreSQL accepting connections again to the first good answer.
  local rready rsearch rlist rorder
  rready=$(since "$t_up" "$(poll_status "$api/readyz" 200 10000)")
  rsearch=$(since "$t_up" "$(poll_status "$api/api/produits?q=souris" 200 10000)")
  rlist=$(since "$t_up" "$(poll_status "$api/api/produits" 200 10000)")
  rorder=never
  while [ $(($(now_ms) - t_up)) -le 15000 ]; do
    if [ "$(probe order POST /api/commandes '{"lignes":[{"produit_id":1,"quantite":1}]}' | cut -d' ' -f1)" = 201 ]; then
      rorder=$(($(now_ms) - t_up))
      break
    fi
    sleep 0.02
  done
  record pgkill_recovery_readyz_ms "$rready"
  record pgkill_recovery_search_ms "$rsearch"
  record pgkill_recovery_list_ms "$rlist"
  record pgkill_recovery_order_ms "$rorder"
  local worst=0
  for v in "$rready" "$rsearch" "$rlist" "$rorder"; do
    if [ "$v" = never ]; then worst=never; break; fi
    [ "$v" -gt "$worst" ] && worst=$v
  done
  record pgkill_recovery_ms "$worst"
  [ "$worst" != never ] && [ "$worst" -le 5000 ] ||
    fail "pgkill: not fully recovered within 5 s of PostgreSQL's return (readyz $rready, search $rsearch, list $rlist, order $rorder ms)"
  wait "$wrk_pid" || fail "pgkill: wrk failed"
  wrk_pid=""
  kill -0 "$api_pid" 2>/dev/null || fail "pgkill: the API died"
  record pgkill_wrk_requests "$(awk '/requests in/ {print $1}' "$work/pgkill.wrk")"
  record pgkill_wrk_statuses "$(wrk_statuses "$work/pgkill.wrk")"
  record pgkill_wrk_socket_errors "$(wrk_socket_errors "$work/pgkill.wrk")"
  [ "$(wrk_socket_errors "$work/pgkill.wrk")" = 0 ] || fail "pgkill: socket errors: $(grep 'Socket errors' "$work/pgkill.wrk")"
  grep '^status_' "$work/pgkill.wrk" | grep -qvE '^status_(200|201|503)=' &&
    fail "pgkill: answers other than 200/201/503: $(wrk_statuses "$work/pgkill.wrk")"
  check_orders "$db_url" | sed 's/^/pgkill_/' >>"$work/summary.env"
  record pgkill_orders_acknowledged "$(wc -l <"$work/pgkill.ids")"
  record pgkill_orders_acknowledged_missing "$(missing_orders "$db_url" "$work/pgkill.ids")"
  for k in orders_without_lines orders_bad_total stock_mismatch negative_stock orders_acknowledged_missing; do
    [ "$(get "pgkill_$k")" = 0 ] || fail "pgkill: $k=$(get "pgkill_$k")"
  done
}

# ---------------------------------------------------------------- sigterm
scenario_sigterm() {
  say "sigterm: wrk -c $CONNS, then 32 requests in flight and SIGTERM"
  ensure_api
  start_own_api
  snapshot_stock "$db_url"
  start_wrk 20 sigterm
  sleep 3 # load runs before the signal (pacing)
  local first_product rc=0
  first_product=${products%%,*}
  "$PY" "$here/faults_client.py" inflight --port "$api_port" --pid "$api_pid" --token "$token" \
    --product "$first_product" --n 32 --ids "$work/inflight.ids" | sed 's/^/sigterm_/' >>"$work/summary.env"
  wait "$own_api_pid" || rc=$?
  own_api_pid="" api_pid=""
  record sigterm_exit_code "$rc"
  # Nothing listens any more: wrk only counts refused connections now. SIGINT makes it print its
  # figures (timeout passes the signal on).
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" || true
  wrk_pid=""
  record sigterm_wrk_requests "$(awk '/requests in/ {print $1}' "$work/sigterm.wrk")"
  record sigterm_wrk_statuses "$(wrk_statuses "$work/sigterm.wrk")"
  record sigterm_wrk_socket_errors "$(grep 'Socket errors:' "$work/sigterm.wrk" | sed 's/^ *Socket errors: //;s/, /,/g;s/ /:/g' || echo none)"
  # A wrk "read" error is a connection closed while its request waited for an answer: a request
  # dropped. (Its "write"/"connect" errors after the exit are reconnections refused.)
  local dropped
  dropped=$(awk '/Socket errors:/ {gsub(",", ""); print $6; f = 1} END {if (!f) print 0}' "$work/sigterm.wrk")
  record sigterm_wrk_dropped "$dropped"
  [ "$dropped" = 0 ] || fail "sigterm: wrk saw $dropped connections closed with a request waiting"
  grep '^status_' "$work/sigterm.wrk" | grep -qvE '^status_(200|201)=' &&
    fail "sigterm: answers other than 200/201 under load: $(wrk_statuses "$work/sigterm.wrk")"
  [ "$rc" = 0 ] || fail "sigterm: exit code $rc"
  local ms
  ms=$(get sigterm_sigterm_exit_ms)
  [ "$ms" != never ] && [ "$ms" -le 2000 ] || fail "sigterm: exit $ms ms after SIGTERM (limit 2000)"
  [ "$(get sigterm_inflight_answered)" = 32 ] || fail "sigterm: in-flight answered $(get sigterm_inflight_answered)/32 ($(get sigterm_inflight_statuses))"
  cat "$work/sigterm.ids" "$work/inflight.ids" >"$work/sigterm-all.ids" 2>/dev/null || true
  record sigterm_orders_acknowledged "$(wc -l <"$work/sigterm-all.ids")"
  record sigterm_orders_acknowledged_missing "$(missing_orders "$db_url" "$work/sigterm-all.ids")"
  check_orders "$db_url" | sed 's/^/sigterm_/' >>"$work/summary.env"
  for k in orders_acknowledged_missing orders_without_lines orders_bad_total stock_mismatch; do
    [ "$(get "sigterm_$k")" = 0 ] || fail "sigterm: $k=$(get "sigterm_$k")"
  done
}

# ---------------------------------------------------------------- downup
scenario_downup() {
  say "downup: clients retrying their orders, boutique down, boutique up"
  ensure_api
  local base=$api admin_token user_token t0 prods
  admin_token=$(login "$base" admin@boutique.local "$admin_pw")
  curl -fsS --max-time 10 -o /dev/null -H 'Content-Type: application/json' \
    -d '{"nom":"Client Pannes","email":"pannes@example.com","password":"un mot de passe long"}' \
    "$base/api/utilisateurs" || die "cannot register the test customer"
  user_token=$(login "$base" pannes@example.com "un mot de passe long")
  prods=$(curl -fsS --max-time 10 "$base/api/produits?par_page=5" |
    "$PY" -c 'import json, sys; print(",".join(str(p["id"]) for p in json.load(sys.stdin)))')
  for p in ${prods//,/ }; do
    curl -fsS --max-time 10 -o /dev/null -X PATCH -H "Authorization: Bearer $admin_token" \
      -H 'Content-Type: application/json' -d '{"stock":1000000}' "$base/api/produits/$p"
  done
  "$PY" "$here/faults_client.py" retry-orders --base "$base" --token "$user_token" \
    --products "$prods" --threads 4 --stop-file "$work/stop-clients" --out "$work/downup.acked" \
    --max-seconds 150 >"$work/downup.client" 2>&1 &
  client_pid=$!
  sleep 3 # orders flow before the stop (pacing)
  t0=$(now_ms)
  stack down >"$work/down.log" 2>&1 || fail "downup: boutique down failed: $(tail -n 3 "$work/down.log")"
  api_pid=""
  record downup_down_ms $(($(now_ms) - t0))
  t0=$(now_ms)
  stack_up db api
  record downup_up_ms $(($(now_ms) - t0))
  sleep 3 # orders flow after the restart too (pacing)
  touch "$work/stop-clients"
  wait "$client_pid" || fail "downup: the clients failed: $(tail -n 3 "$work/downup.client")"
  client_pid=""
  sed 's/^/downup_/' "$work/downup.client" >>"$work/summary.env"
  cut -d' ' -f1 "$work/downup.acked" >"$work/downup.ids"
  record downup_orders_acknowledged_missing "$(missing_orders "$db_url" "$work/downup.ids")"
  # Each acknowledged key is exactly one order, the one acknowledged (retries were replays).
  record downup_keys_mismatch "$("$PY" - "$db_url" "$work/downup.acked" <<'EOF'
import sys, psycopg2
acked = [l.split() for l in open(sys.argv[2]) if l.strip()]
cur = psycopg2.connect(sys.argv[1], connect_timeout=5).cursor()
cur.execute("SELECT idempotency_key, array_agg(id) FROM commandes WHERE idempotency_key = ANY(%s)"
            " GROUP BY idempotency_key", ([k for _, k, _ in acked],))
found = dict(cur.fetchall())
print(sum(1 for i, k, _ in acked if found.get(k) != [int(i)]))
EOF
)"
  for k in orders_acknowledged_missing keys_mismatch client_unexpected client_gave_up; do
    [ "$(get "downup_$k")" = 0 ] || fail "downup: $k=$(get "downup_$k")"
  done
  [ "$(get downup_orders_acknowledged)" -gt 0 ] || fail "downup: no order acknowledged at all"
  [ "$(get downup_orders_retried)" -gt 0 ] || say "downup: note: no order needed a retry"
}

get() { awk -F= -v k="$1" '$1 == k {sub(/^[^=]*=/, ""); print; exit}' "$work/summary.env"; }

for s in $SCENARIOS; do "scenario_$s"; done
record load_avg_after "$(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$(dirname "$OUT")"
cp "$work/summary.env" "$OUT"
echo
grep -vE '^(cond_api_bin|checkout_commit|date)=' "$OUT" | sed 's/^/  /'
echo
say "summary written to ${OUT#"$root"/}"
finish_checks "every check of: $SCENARIOS"
