#!/usr/bin/env bash
# Fails on a Markdown link to a file or directory that does not exist (docs/, README.md and every
# other tracked *.md): `[text](path)` and `[text](path#anchor)`, relative to the linking file.
# Web links (http:, https:, mailto:) and anchors within the same page are not checked.
# Part of `make check-format` (so of `make test`). Exit 1 listing each broken link as FILE:LINE.
set -euo pipefail
cd "$(dirname "$0")/.."
broken=0
checked=0
while IFS= read -r md; do
  dir=$(dirname "$md")
  # FILE:LINE:](target) for every inline link; code spans are not links but rarely hold "](".
  while IFS= read -r hit; do
    line=${hit%%:*}
    target=${hit#*:](}
    target=${target%)}
    target=${target%% *} # [x](path "title")
    case "$target" in
      http:* | https:* | mailto:* | '#'* | '') continue ;;
    esac
    path=${target%%#*}
    checked=$((checked + 1))
    if [ ! -e "$dir/$path" ]; then
      echo "$md:$line: broken link: $target"
      broken=$((broken + 1))
    fi
  done < <(grep -no '](\([^)]*\))' "$md" || true)
done < <(git ls-files '*.md')
if [ "$broken" -gt 0 ]; then
  echo "check-docs: $broken broken link(s) of $checked" >&2
  exit 1
fi
echo "check-docs: $checked links to files, all present"
