#!/usr/bin/env bash
# Installs the pinned Node.js and npm that build and test the UI (docs/frontend.md, "Node.js"):
# the official Node.js binary from the npm registry's node-linux-<arch> package and npm's own
# package, at the versions and sha512 integrity of package-lock.json beside this script.
# Needs only bash, curl, tar, gzip and coreutils: no node or npm beforehand (Debian 12's nodejs is
# 18, too old for Vite 8 and past its end of life).
#
#   frontend/toolchain/install.sh [PREFIX]      default: frontend/toolchain/node
#
# PREFIX gets the layout of Node's own release archives: bin/node, bin/npm, bin/npx,
# lib/node_modules/npm. Idempotent: when PREFIX already holds the locked versions it does nothing
# (a few milliseconds). Downloads are kept in $BOUTIQUE_CACHE_DIR/npm (default
# /var/cache/boutique/npm as root, else ~/.cache/boutique/npm) so another clone installs offline.
# npm_config_registry, when set, replaces https://registry.npmjs.org/ (a mirror).
# Exit 0 installed or already there, 1 download/verification failure, 2 unsupported machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lock=$here/package-lock.json
prefix=${1:-$here/node}
die() { echo "node toolchain: $*" >&2; exit "${2:-1}"; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) arch=x64 ;;
  Linux-aarch64 | Linux-arm64) arch=arm64 ;;
  *) die "no pinned Node.js for $(uname -s) $(uname -m) (linux x64 and arm64 only): install Node.js >= 20.19 yourself and put it first on PATH" 2 ;;
esac

# lock_field PACKAGE FIELD: "FIELD" of "node_modules/PACKAGE" in the lockfile (npm writes one key
# per line, two-space indents: no JSON parser needed).
lock_field() {
  awk -v key="\"node_modules/$1\": {" -v field="\"$2\":" '
    index($0, key) == 5 { inside = 1; next }
    inside && /^    }/ { exit }
    inside && $1 == field { v = $2; gsub(/[",]/, "", v); print v; exit }' "$lock"
}

node_pkg=node-linux-$arch
node_version=$(lock_field "$node_pkg" version)
npm_version=$(lock_field npm version)
[ -n "$node_version" ] && [ -n "$npm_version" ] || die "$lock does not lock $node_pkg and npm"
want="$node_pkg@$node_version npm@$npm_version"
stamp=$prefix/.boutique-toolchain

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$prefix/bin/node" ]; then
  exit 0
fi

for tool in curl tar gzip sha512sum base64 od; do
  command -v "$tool" >/dev/null || die "$tool is missing: scripts/install-deps.sh node"
done

if [ -n "${BOUTIQUE_CACHE_DIR:-}" ]; then
  cache=$BOUTIQUE_CACHE_DIR/npm
elif [ "$(id -u)" -eq 0 ]; then
  cache=/var/cache/boutique/npm
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/boutique/npm
fi
mkdir -p "$cache" 2>/dev/null || cache=$(mktemp -d)
# Unpacked next to PREFIX, then renamed into place: an interrupted install leaves no half toolchain.
mkdir -p "$(dirname "$prefix")"
work=$(mktemp -d "$(dirname "$prefix")/.node-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fetch PACKAGE: the package's tarball, checked against the lockfile's sha512; prints its path.
fetch() {
  local pkg=$1 url integrity want_hex file got_hex
  url=$(lock_field "$pkg" resolved)
  integrity=$(lock_field "$pkg" integrity)
  case "$integrity" in sha512-*) ;; *) die "$pkg: no sha512 integrity in $lock" ;; esac
  if [ -n "${npm_config_registry:-}" ]; then
    url=${npm_config_registry%/}/${url#https://registry.npmjs.org/}
  fi
  want_hex=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  file=$cache/${url##*/}
  if [ ! -f "$file" ] || [ "$(sha512sum "$file" | cut -d' ' -f1)" != "$want_hex" ]; then
    echo "node toolchain: downloading $url" >&2
    curl -fsSL --retry 3 --connect-timeout 20 -o "$work/download" "$url" ||
      die "download of $url failed (the npm registry must be reachable; a mirror: npm_config_registry)"
    got_hex=$(sha512sum "$work/download" | cut -d' ' -f1)
    [ "$got_hex" = "$want_hex" ] || die "$url: sha512 does not match package-lock.json (corrupt or tampered download)"
    mv -f "$work/download" "$file"
  fi
  echo "$file"
}

node_tgz=$(fetch "$node_pkg")
npm_tgz=$(fetch npm)
new=$work/prefix
mkdir -p "$new/lib/node_modules/npm"
tar -xzf "$node_tgz" -C "$new" --strip-components=1 --no-same-owner
tar -xzf "$npm_tgz" -C "$new/lib/node_modules/npm" --strip-components=1 --no-same-owner
chmod 755 "$new/bin/node"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$new/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$new/bin/npx"
got=$("$new/bin/node" --version) || die "the downloaded node does not run on this machine"
[ "$got" = "v$node_version" ] || die "node reports $got, expected v$node_version"
echo "$want" >"$new/.boutique-toolchain"

rm -rf "$prefix.old"
if [ -e "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
mv "$new" "$prefix"
rm -rf "$prefix.old"
echo "node toolchain: node $got, npm $npm_version in $prefix" >&2
