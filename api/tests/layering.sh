#!/usr/bin/env bash
# The API's layering rules, checked on what the compiler really includes (its -M output, system
# headers included), not on what the sources appear to say:
#   http/ never includes libpqxx (the database comes in through db/store.hpp only);
#   http/ outside http/pistache/ never includes Pistache (a Pistache upgrade touches one folder);
#   domain/ includes neither libpqxx nor Pistache (pure rules, unit-tested without either).
# Usage: layering.sh BUILD_DIR   (reads BUILD_DIR/compile_commands.json). Exit 1 naming the file and
# the header that breaks a rule.
set -euo pipefail
build=${1:?usage: layering.sh BUILD_DIR}
db="$build/compile_commands.json"
[ -f "$db" ] || { echo "no $db: configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON" >&2; exit 2; }

failures=0 checked=0
dir="" cmd=""
while IFS= read -r line; do
  case "$line" in
    *'"directory": '*) dir=${line#*: \"}; dir=${dir%\",} ;;
    *'"command": '*) cmd=${line#*: \"}; cmd=${cmd%\",} ;;
    *'"file": '*)
      file=${line#*: \"}; file=${file%\"*}
      case "$file" in
        */api/src/http/pistache/*) forbidden='pqxx' ;;
        */api/src/http/*) forbidden='pqxx|pistache' ;;
        */api/src/domain/*) forbidden='pqxx|pistache' ;;
        *) continue ;;
      esac
      # The compile command, made to print its dependencies instead of an object file.
      deps_cmd=$(sed -E 's/ -o [^ ]+ / -M /' <<<"${cmd//\\\"/\"}")
      deps=$(cd "$dir" && eval "$deps_cmd")
      checked=$((checked + 1))
      if bad=$(tr ' \\' '\n\n' <<<"$deps" | grep -E "/($forbidden)/" | grep -v "/api/src/" | head -1); then
        echo "FAIL ${file#*/api/src/} includes $bad (rule: no ${forbidden//|/ or } there)"
        failures=$((failures + 1))
      fi
      ;;
  esac
done <"$db"
[ "$checked" -gt 0 ] || { echo "no http/ or domain/ source in $db" >&2; exit 2; }
echo "$checked files of api/src/http and api/src/domain checked, $failures breaking a rule"
[ "$failures" -eq 0 ]
