#!/usr/bin/env bash
# The last test of the API integration run (CTest FIXTURES_CLEANUP of boutique_it_pg): no password,
# token or database password handled during the run may appear in any log the run wrote.
#   secret_scan.sh WORK_DIR PG_DIR
# WORK_DIR/secrets/*.txt  "kind<TAB>value" lines written by the test processes (support/secrets.cpp)
# logs scanned            every *.log under WORK_DIR (each API process's stdout+stderr, the private
#                         restart cluster's server.log) and PG_DIR/server.log (the shared cluster)
# One deliberate exception: the line where the API reports the admin password it generated on its
# first start ("generated_password", docs/api.md) — that line is left out of the scan.
set -euo pipefail

die() { echo "secret-scan: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: $0 WORK_DIR PG_DIR"
work=$1
pg=$2

shopt -s nullglob
secret_files=("$work"/secrets/*.txt)
[ ${#secret_files[@]} -gt 0 ] || die "no secrets recorded in $work/secrets: did the integration suites run?"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cut -f2- "${secret_files[@]}" | sort -u >"$tmp/patterns"
secrets=$(wc -l <"$tmp/patterns")
declare -A kinds=()
while IFS=$'\t' read -r kind _; do kinds[$kind]=$((${kinds[$kind]:-0} + 1)); done < <(cat "${secret_files[@]}")
for k in password token database-password; do
  [ "${kinds[$k]:-0}" -gt 0 ] || die "no $k recorded: the recorder is broken, the scan would prove nothing"
done

mapfile -t logs < <(find "$work" -name '*.log' -type f | sort)
[ -f "$pg/server.log" ] && logs+=("$pg/server.log")
[ ${#logs[@]} -gt 0 ] || die "no log files under $work"

bytes=0
leaks=0
for log in "${logs[@]}"; do
  bytes=$((bytes + $(stat -c %s "$log")))
  if hits=$(grep -v -e '"generated_password"' -e 'generated_password=' "$log" | grep -F -o -f "$tmp/patterns" | sort -u); then
    while IFS= read -r hit; do
      kind=$(grep -h -F -- "$hit" "${secret_files[@]}" | head -n1 | cut -f1)
      line=$(grep -n -F -m1 -- "$hit" "$log" | cut -d: -f1)
      echo "LEAK: a $kind (${hit:0:6}…) is in $log line $line"
      leaks=$((leaks + 1))
    done <<<"$hits"
  fi
done
summary="$secrets secrets (${kinds[password]} passwords, ${kinds[token]} tokens, ${kinds[database-password]} database passwords) against ${#logs[@]} logs ($bytes bytes)"
[ "$leaks" -eq 0 ] || die "$leaks secret(s) found in logs; scanned $summary"
echo "secret-scan: no secret in any log: $summary"
