#!/usr/bin/env bash
# A login flood against the API (issue 15, part 1): FLOOD_CLIENTS clients send logins with random
# emails as fast as they can (each costs an argon2id verification) for FLOOD_DURATION seconds,
# straight to the API's port (nginx's per-address limit would stop them first: this measures the
# API's own defence). Meanwhile /healthz is probed every 100 ms (as a kubelet would, 1 s limit) and
# wrk reads the catalogue (GET /api/produits) on FLOOD_READERS connections. The stack is started by
# `boutique up db api` on a throwaway state dir (what `make up` runs). See bench/README.md.
#
#   bench/flood.sh
#
# Environment (all optional):
#   BOUTIQUE_API_BIN    API binary           default build/bin/boutique-api (what `make up` runs)
#   BOUTIQUE_CLI_BIN    the CLI              default the `boutique` next to the API binary
#   FLOOD_DURATION      seconds              default 10 (1..300)
#   FLOOD_CLIENTS       login connections    default 64
#   FLOOD_READERS       catalogue readers    default 8
#   FLOOD_OUT           summary (key=value)  default bench/results/flood.env
#   FLOOD_KEEP=1        keep the work dir
#
# Exit 0 when every /healthz probe answered 200 within 1 s and no request got a 5xx other than 503
# (the queue's refusal) or a socket error; 1 otherwise. Figures are reported, never asserted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

DURATION=${FLOOD_DURATION:-10}
CLIENTS=${FLOOD_CLIENTS:-64}
READERS=${FLOOD_READERS:-8}
OUT=${FLOOD_OUT:-$here/results/flood.env}
API_BIN=${BOUTIQUE_API_BIN:-}
CLI_BIN=${BOUTIQUE_CLI_BIN:-}

die() { echo "flood: $*" >&2; exit 1; }
say() { echo "flood: $*"; }

for v in DURATION CLIENTS READERS; do
  if ! [[ ${!v} =~ ^[0-9]+$ ]] || [ "${!v}" -lt 1 ]; then die "FLOOD_$v must be a whole number >= 1 (got '${!v}')"; fi
done
[ "$DURATION" -le 300 ] || die "FLOOD_DURATION must be 1..300 seconds"
for tool in wrk curl; do command -v "$tool" >/dev/null 2>&1 || die "missing $tool (run: scripts/install-deps.sh run bench)"; done
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
resolve_binaries

bench_start flood "${FLOOD_KEEP:-0}"
flood_pid="" readers_pid=""

stop_extra() {
  stop_pid "$flood_pid"
  stop_pid "$readers_pid"
}

machine_conditions >"$work/summary.env"
{
  echo "cond_duration_s=$DURATION"
  echo "cond_login_clients=$CLIENTS"
  echo "cond_catalogue_readers=$READERS"
  echo "cond_api_bin=$API_BIN"
  echo "cond_api_env=$(env | grep -E '^BOUTIQUE_(THREADS|WORKERS|QUEUE|HASH_WORKERS|DB_POOL)=' | tr '\n' ' ' || true)"
} >>"$work/summary.env"

admin_pw=$(random_pw)
user_pw=$(random_pw)
say "boutique up db api (local target, state in $work/stack)"
stack_up db api
curl -fsS --max-time 5 -o /dev/null "$api/api/produits" # the list is cached from here on

say "$CLIENTS clients flood POST /api/auth/login, $READERS read the catalogue, /healthz probed every 100 ms, ${DURATION} s"
MIX_LOGINS=1 timeout -k 5 $((DURATION + 30)) wrk -t 2 -c "$CLIENTS" -d "${DURATION}s" --timeout 10s \
  --latency -s "$here/mix.lua" "$api/api/auth/login" >"$work/flood.wrk" 2>&1 &
flood_pid=$!
timeout -k 5 $((DURATION + 30)) wrk -t 1 -c "$READERS" -d "${DURATION}s" --timeout 10s --latency \
  "$api/api/produits" >"$work/readers.wrk" 2>&1 &
readers_pid=$!

# The probe: one request at a time, 1 s limit (a kubelet's timeoutSeconds), every 100 ms.
: >"$work/probes"
t_end=$(($(now_ms) + DURATION * 1000))
while [ "$(now_ms)" -lt "$t_end" ]; do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 1 "$api/healthz" >>"$work/probes" ||
    echo "000 1.000" >>"$work/probes"
  sleep 0.1 # probe pacing
done
wait "$flood_pid" || die "the login flood's wrk failed: $(tail -n 3 "$work/flood.wrk")"
flood_pid=""
wait "$readers_pid" || die "the readers' wrk failed: $(tail -n 3 "$work/readers.wrk")"
readers_pid=""

{
  echo "healthz_probes=$(wc -l <"$work/probes")"
  echo "healthz_not_200=$(awk '$1 != "200"' "$work/probes" | wc -l)"
  echo "healthz_slowest_ms=$(sort -k2 -n "$work/probes" | tail -n 1 | awk '{printf "%.1f", $2 * 1000}')"
  echo "healthz_p50_ms=$(sort -k2 -n "$work/probes" | awk '{a[NR] = $2} END {printf "%.1f", a[int(NR * 0.5) + (NR * 0.5 > int(NR * 0.5))] * 1000}')"
  echo "login_requests=$(awk '/requests in/ {print $1}' "$work/flood.wrk")"
  echo "login_per_s=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/flood.wrk")"
  echo "login_p99=$(awk '$1 == "99%" {print $2}' "$work/flood.wrk")"
  echo "login_statuses=$(grep '^status_' "$work/flood.wrk" | sed 's/^status_//' | tr '\n' ' ')"
  echo "login_socket_errors=$(wrk_socket_errors "$work/flood.wrk")"
  echo "catalogue_per_s=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/readers.wrk")"
  echo "catalogue_p50=$(awk '$1 == "50%" {print $2}' "$work/readers.wrk")"
  echo "catalogue_p99=$(awk '$1 == "99%" {print $2}' "$work/readers.wrk")"
  echo "catalogue_non_2xx=$(wrk_non_2xx "$work/readers.wrk")"
  echo "catalogue_socket_errors=$(wrk_socket_errors "$work/readers.wrk")"
  echo "api_rss_peak_kb=$(rss_kb "$api_pid" VmHWM)"
  echo "load_avg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$work/summary.env"
mkdir -p "$(dirname "$OUT")"
cp "$work/summary.env" "$OUT"

get() { awk -F= -v k="$1" '$1 == k {sub(/^[^=]*=/, ""); print; exit}' "$OUT"; }
echo
printf '%-30s %s\n' \
  "/healthz during the flood" "$(get healthz_probes) probes, slowest $(get healthz_slowest_ms) ms, median $(get healthz_p50_ms) ms, not 200: $(get healthz_not_200)" \
  "logins (c=$CLIENTS)" "$(get login_per_s)/s, p99 $(get login_p99), answers: $(get login_statuses)" \
  "catalogue reads (c=$READERS)" "$(get catalogue_per_s) req/s, p50 $(get catalogue_p50), p99 $(get catalogue_p99), non-2xx $(get catalogue_non_2xx)" \
  "API RSS peak" "$(get api_rss_peak_kb) kB" \
  "load average before/after" "$(get machine_load_avg) / $(get load_avg_after)"
echo
say "summary written to ${OUT#"$root"/}"
failures=()
[ "$(get healthz_not_200)" = 0 ] || failures+=("$(get healthz_not_200) /healthz probes not answered 200 within 1 s")
[ "$(get login_socket_errors)" = 0 ] || failures+=("socket errors on the logins")
[ "$(get catalogue_socket_errors)" = 0 ] || failures+=("socket errors on the catalogue reads")
[ "$(get catalogue_non_2xx)" = 0 ] || failures+=("catalogue reads answered non-2xx")
if grep '^status_' "$work/flood.wrk" | grep -qvE '^status_(401|503)='; then
  failures+=("logins answered other than 401/503: $(get login_statuses)")
fi
finish_checks "/healthz answered every probe within 1 s"
