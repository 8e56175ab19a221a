#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for tests and benchmarks (never the system one).
#   scripts/pg-cluster.sh start DIR [PORT]   initdb on first use, start on 127.0.0.1:PORT (a free port
#                                            when none is given; the port is kept in DIR/port)
#   scripts/pg-cluster.sh stop DIR           fast shutdown; data kept
#   scripts/pg-cluster.sh url DIR [DB]       print the libpq URI of database DB (default postgres)
# As root (CI), the server runs as the unprivileged 'postgres' user: initdb refuses root.
# Trust authentication on loopback only; fsync off: this is for tests, never for real data.
set -euo pipefail

die() { echo "pg-cluster: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 start|stop|url DIR [PORT|DB]"
cmd=$1
dir=$(realpath -m "$2")

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$d/initdb" ] && { bindir=$d; break; }
done

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Below the kernel's ephemeral range (32768-60999): a port there can be taken by any client
# connection's local end between the check and PostgreSQL's bind.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! ss -Hltn "sport = :$p" | grep -q .; then echo "$p"; return 0; fi
  done
  die "no free TCP port found"
}

case "$cmd" in
  start)
    [ -n "$bindir" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql-15"
    mkdir -p "$dir/sock"
    if [ "$(id -u)" -eq 0 ]; then
      chown -R postgres: "$dir"
      runuser -u postgres -- test -x "$dir" ||
        die "user 'postgres' cannot reach $dir: a parent directory is not traversable (chmod o+x it)"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    port=${3:-}
    [ -n "$port" ] || { [ -f "$dir/port" ] && port=$(cat "$dir/port"); } || true
    chosen=
    [ -n "$port" ] || { port=$(free_port); chosen=1; }
    # A port we chose can still be taken before PostgreSQL binds it: then choose another (5 tries).
    for attempt in 1 2 3 4 5; do
      echo "$port" >"$dir/port"
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null; then
        break
      fi
      if [ -n "$chosen" ] && [ "$attempt" -lt 5 ] && tail -n 8 "$dir/server.log" | grep -q "Address already in use"; then
        port=$(free_port)
        continue
      fi
      tail -n 20 "$dir/server.log" >&2
      die "PostgreSQL did not start"
    done
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/PG_VERSION" ] || exit 0
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  url)
    [ -f "$dir/port" ] || die "no cluster in $dir (run start first)"
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/${3:-postgres}"
    ;;
  *) die "unknown command '$cmd' (start|stop|url)" ;;
esac
