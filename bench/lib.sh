# Shared helpers of the bench/ scripts (sourced, not run). The caller sets `root` (the checkout) and
# defines say()/die() before sourcing this file, then calls bench_start.
# shellcheck shell=bash disable=SC2154,SC2034

PY=/usr/bin/python3 # Debian's interpreter: it has psycopg2

free_port() { # a port the kernel just handed out on 127.0.0.1 (closed again at once)
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

random_pw() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

stop_pid() { # stop_pid PID: SIGTERM, up to 5 s grace, then SIGKILL; reaps our child
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && { echo "pid $pid ignored SIGTERM, killing it" >&2; kill -KILL "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
}

wait_http() { # wait_http URL PID NAME: until URL answers 200, the process is alive, at most 30 s
  local url=$1 pid=$2 name=$3
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$name did not answer $url within 30 s"
}

# ---------------------------------------------------------------- every script's frame
resolve_binaries() { # API_BIN (default: what `make up` builds) and CLI_BIN (default: the `boutique`
  # beside it), made absolute; dies naming the one that is missing
  [ -n "${API_BIN:-}" ] || API_BIN=$root/build/bin/boutique-api
  [ -x "$API_BIN" ] || die "API binary not found at $API_BIN: build it (make) or set BOUTIQUE_API_BIN"
  API_BIN=$(realpath "$API_BIN")
  [ -n "${CLI_BIN:-}" ] || CLI_BIN=$(dirname "$API_BIN")/boutique
  [ -x "$CLI_BIN" ] || die "boutique CLI not found at $CLI_BIN: build it (make) or set BOUTIQUE_CLI_BIN"
  CLI_BIN=$(realpath "$CLI_BIN")
}

# The work dir ($work: traversable, for the postgres user and nginx's workers) and the traps: on
# exit, error or Ctrl-C, stop_extra (when the script defines one; $bench_rc is the exit code) stops
# the script's own processes, the stack goes down, and the work dir is removed. KEEP=1 keeps both
# the work dir and the stack's data. NAME prefixes the messages.
bench_start() { # bench_start NAME KEEP
  NAME=$1 KEEP=$2
  work=$(mktemp -d "/tmp/boutique-$NAME.XXXXXX")
  chmod 755 "$work"
  api_log=$work/stack/logs/api.log # the API's log as `boutique up` writes it
  trap bench_cleanup EXIT
  trap 'echo "$NAME: interrupted" >&2; exit 130' INT
  trap 'echo "$NAME: terminated" >&2; exit 143' TERM
}

bench_cleanup() {
  bench_rc=$?
  trap - EXIT INT TERM
  set +e
  if [ "$bench_rc" -ne 0 ] && [ -s "$api_log" ]; then
    echo "--- last lines of the API's log" >&2
    tail -n 15 "$api_log" >&2
  fi
  if declare -F stop_extra >/dev/null; then stop_extra; fi
  stack_down
  if [ "$KEEP" = 1 ]; then echo "$NAME: work dir kept: $work"; else rm -rf "$work"; fi
  exit "$bench_rc"
}

login() { # login BASE EMAIL PASSWORD: the bearer token
  curl -fsS --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"email\":\"$2\",\"password\":\"$3\"}" "$1/api/auth/login" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# ---------------------------------------------------------------- wrk outputs and verdicts
wrk_socket_errors() { # wrk_socket_errors FILE: connect + read + write + timeout errors wrk reported
  awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10; f = 1} END {if (!f) print 0}' "$1"
}

wrk_non_2xx() { # wrk_non_2xx FILE: answers other than 2xx/3xx wrk reported
  awk '/Non-2xx or 3xx responses:/ {print $NF; f = 1} END {if (!f) print 0}' "$1"
}

# The end of a checking script: every entry of the caller's `failures` array as a FAIL line, then
# exit 1; or the PASS line.
finish_checks() { # finish_checks PASS_MESSAGE
  if [ ${#failures[@]} -gt 0 ]; then
    for f in "${failures[@]}"; do say "FAIL: $f"; done
    exit 1
  fi
  say "PASS: $1"
}

# ---------------------------------------------------------------- the stack, as users start it
# `boutique up` (the CLI, local target) in this run's own state dir ($work/stack) and free loopback
# ports: the same PostgreSQL (default durability: fsync and synchronous_commit on), the same API
# start-up and environment as `make up`. The caller sets API_BIN and CLI_BIN (absolute),
# admin_pw and user_pw.
stack() { # stack ARGS...: the CLI on this run's state dir and ports
  (cd "$root" && env BOUTIQUE_TARGET=local BOUTIQUE_STATE_DIR="$work/stack" \
    BOUTIQUE_API_PORT="$api_port" BOUTIQUE_WEB_PORT="$web_port" BOUTIQUE_DB_PORT="$db_port" \
    BOUTIQUE_API_BINARY="$API_BIN" BOUTIQUE_SEED_DEMO=true BOUTIQUE_LOG_FORMAT=json \
    BOUTIQUE_ADMIN_PASSWORD="$admin_pw" BOUTIQUE_USER_PASSWORD="$user_pw" "$CLI_BIN" "$@")
}

stack_up() { # stack_up COMPONENT...: `boutique up` them (waits for /readyz); sets api_port, api,
  # api_pid (when the API is up), db_url (the API's own database and role); output in $work/up.log
  if [ -z "${db_port:-}" ]; then api_port=$(free_port) web_port=$(free_port) db_port=$(free_port); fi
  stack_started=1
  stack up "$@" >>"$work/up.log" 2>&1 || die "boutique up $* failed: $(tail -n 8 "$work/up.log")"
  api=http://127.0.0.1:$api_port
  api_pid=$(head -n 1 "$work/stack/run/api.pid" 2>/dev/null || true)
  db_url="postgresql://boutique:$(cat "$work/stack/secrets/db_password")@127.0.0.1:$db_port/boutique"
}

stack_down() { # stops what stack_up started; keeps the data when KEEP=1
  [ "${stack_started:-0}" = 1 ] || return 0
  if [ "${KEEP:-0}" = 1 ]; then stack down >/dev/null 2>&1; else stack down --volumes --yes >/dev/null 2>&1; fi
  stack_started=0
}

stack_pg_pid() { # the postmaster's pid (PostgreSQL's home moves out of the state dir when the
  # postgres user cannot reach it: <state>/pg-home says where)
  local home=$work/stack/pg
  [ -f "$work/stack/pg-home" ] && home=$(cat "$work/stack/pg-home")
  head -n 1 "$home/data/postmaster.pid"
}

# nginx (its own instance and config in $work/nginx, never the system service) serving FILE as a
# static file at /api/produits with CONTENT_TYPE, keep-alive on, sendfile, its access log on (the
# API logs every request too): the ceiling an HTTP server reaches with the API's bytes. Sets
# nginx_pid and static (its base URL).
start_static_nginx() { # start_static_nginx FILE CONTENT_TYPE
  local port
  port=$(free_port)
  mkdir -p "$work/www/api" "$work/nginx"
  cp "$1" "$work/www/api/produits"
  chmod -R a+rX "$work/www"
  cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { }
  default_type "$2";
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
    location = /api/produits { }
  }
}
EOF
  say "starting nginx on 127.0.0.1:$port"
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx/" -e "$work/nginx/error.log" &
  nginx_pid=$!
  static=http://127.0.0.1:$port
  wait_http "$static/api/produits" "$nginx_pid" "nginx"
}

rss_kb() { # rss_kb PID [VmRSS|VmHWM]: resident set (or its peak) in kB, from /proc
  awk -v k="${2:-VmRSS}:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

machine_conditions() { # key=value lines: cores, load average, CPU busy over 1 s before we start
  local hz b0 b1
  hz=$(getconf CLK_TCK)
  b0=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)
  sleep 1
  b1=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine_cores=$(nproc)"
  echo "machine_load_avg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "machine_busy_pct_at_start=$(((b1 - b0) * 100 / (hz * $(nproc))))"
  echo "checkout_commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
    [ -z "$(git -C "$root" status --porcelain -- api 2>/dev/null)" ] || echo '+uncommitted-api-changes')"
}

sql() { # sql URL QUERY: the first column of the first row (or nothing), via psycopg2
  "$PY" - "$1" "$2" <<'EOF'
import sys, psycopg2
c = psycopg2.connect(sys.argv[1], connect_timeout=5)
c.autocommit = True
cur = c.cursor()
cur.execute(sys.argv[2])
row = cur.fetchone() if cur.description else None
print("" if row is None else row[0])
EOF
}

# Consistency of the orders in the database at URL, as key=value lines (every count must be 0):
#   orders_without_lines   commandes with no lignes_commande (a half-written order)
#   orders_bad_total       commandes whose total is not the sum of their lines
#   stock_mismatch         products whose stock is not snapshot stock - units ordered since then
#   negative_stock         products with stock < 0
# SNAPSHOT is a table made by snapshot_stock (stock per product and the last order id at that time).
check_orders() { # check_orders URL
  "$PY" - "$1" <<'EOF'
import sys, psycopg2
c = psycopg2.connect(sys.argv[1], connect_timeout=5)
cur = c.cursor()
def one(q):
    cur.execute(q)
    return cur.fetchone()[0]
print("orders_total=%d" % one("SELECT count(*) FROM commandes"))
print("orders_since_snapshot=%d" % one(
    "SELECT count(*) FROM commandes WHERE id > (SELECT max(last_order) FROM load_snapshot)"))
print("orders_without_lines=%d" % one(
    "SELECT count(*) FROM commandes c WHERE NOT EXISTS"
    " (SELECT 1 FROM lignes_commande l WHERE l.commande_id = c.id)"))
print("orders_bad_total=%d" % one(
    "SELECT count(*) FROM commandes c WHERE c.total <> (SELECT coalesce(sum(l.prix_unitaire * l.quantite), 0)"
    " FROM lignes_commande l WHERE l.commande_id = c.id)"))
print("stock_mismatch=%d" % one(
    "SELECT count(*) FROM load_snapshot s JOIN produits p ON p.id = s.produit_id"
    " WHERE p.stock <> s.stock - (SELECT coalesce(sum(l.quantite), 0) FROM lignes_commande l"
    "   WHERE l.produit_id = s.produit_id AND l.commande_id > s.last_order)"))
print("units_since_snapshot=%d" % one(
    "SELECT coalesce(sum(quantite), 0) FROM lignes_commande"
    " WHERE commande_id > (SELECT max(last_order) FROM load_snapshot)"))
print("negative_stock=%d" % one("SELECT count(*) FROM produits WHERE stock < 0"))
EOF
}

# Records every product's stock and the last order id (table load_snapshot), for check_orders.
# Run it while no order is being placed.
snapshot_stock() { # snapshot_stock URL
  "$PY" - "$1" <<'EOF'
import sys, psycopg2
c = psycopg2.connect(sys.argv[1], connect_timeout=5)
c.autocommit = True
cur = c.cursor()
cur.execute("DROP TABLE IF EXISTS load_snapshot")
cur.execute("CREATE TABLE load_snapshot AS SELECT id AS produit_id, stock,"
            " (SELECT coalesce(max(id), 0) FROM commandes) AS last_order FROM produits")
EOF
}

# Every order id listed (one per line) in FILE exists in the database at URL: prints the number
# missing.
missing_orders() { # missing_orders URL FILE
  "$PY" - "$1" "$2" <<'EOF'
import sys, psycopg2
ids = sorted({int(x) for x in open(sys.argv[2]).read().split() if x.strip()})
c = psycopg2.connect(sys.argv[1], connect_timeout=5)
cur = c.cursor()
cur.execute("SELECT id FROM commandes WHERE id = ANY(%s)", (ids,))
print(len(ids) - len(cur.fetchall()))
EOF
}
