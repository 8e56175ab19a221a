#!/usr/bin/env bash
# Rootful podman set up the way it works on this kind of machine (no registry, no bridge network).
#   scripts/podman-env.sh conf   write the containers.conf that works here (runc, lowered ulimits,
#                                host network namespace by default) and print its path
#   scripts/podman-env.sh env    print `export CONTAINERS_CONF=...` (use: eval "$(scripts/podman-env.sh env)")
#   scripts/podman-env.sh base   make sure the local image debian:bookworm-slim exists: imported from a
#                                cached debootstrap tarball, debootstrapped (≈45 s) when there is none
# The cache lives in $BOUTIQUE_CACHE_DIR (default /var/cache/boutique as root, else ~/.cache/boutique).
# No registry is reachable here, so the Dockerfiles' `FROM debian:bookworm-slim` must resolve to a local
# image; on a normal Docker machine none of this is needed (the official image is pulled).
set -euo pipefail

die() { echo "podman-env: $*" >&2; exit 1; }

if [ -n "${BOUTIQUE_CACHE_DIR:-}" ]; then
  cache=$BOUTIQUE_CACHE_DIR
elif [ "$(id -u)" -eq 0 ]; then
  cache=/var/cache/boutique
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/boutique
fi
BASE_IMAGE=${BOUTIQUE_BASE_IMAGE:-debian:bookworm-slim}
SUITE=bookworm

write_conf() {
  mkdir -p "$cache"
  local conf=$cache/containers.conf tmp
  tmp=$(mktemp "$cache/containers.conf.XXXXXX")
  cat >"$tmp" <<'EOF'
# Written by scripts/podman-env.sh: rootful podman 4.3 here works only with runc and lowered limits,
# and podman's default bridge network (10.88.x) must never be used: host network namespace by default.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "host"

[engine]
runtime = "runc"
EOF
  chmod 644 "$tmp"
  mv -f "$tmp" "$conf"
  echo "$conf"
}

# The Debian mirror the host uses (deb822 .sources first, then one-line sources.list).
host_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '
      /^[[:space:]]*$/ { if (u != "" && s) { print u; exit } u = ""; s = 0; next }
      tolower($1) == "uris:" { u = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) s = 1 }
      END { if (u != "" && s) print u }' "$f" | head -n1)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  echo "http://deb.debian.org/debian"
}

# A rootfs shaped like the official debian:bookworm-slim: minbase, no apt lists or caches, no docs,
# man pages or locales, and the same dpkg/apt settings (so later `apt-get install` stays slim too).
make_rootfs_tarball() {
  local tarball=$1 work mirror
  command -v debootstrap >/dev/null || die "debootstrap missing: scripts/install-deps.sh containers"
  work=$(mktemp -d "$cache/rootfs.XXXXXX")
  mirror=$(host_mirror)
  echo "podman-env: debootstrap $SUITE from $mirror (≈45 s, once)" >&2
  debootstrap --variant=minbase "$SUITE" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; rm -rf "$work"; die "debootstrap failed"; }
  local r=$work/rootfs
  # Same sources as the host (bookworm, -updates, -security) when it uses deb822, else debootstrap's.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    grep -v '^#' /etc/apt/sources.list.d/debian.sources >"$r/etc/apt/sources.list.d/debian.sources"
    rm -f "$r/etc/apt/sources.list"
  fi
  cat >"$r/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf 'Acquire::Languages "none";\n' >"$r/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Acquire::GzipIndexes "true";\n' >"$r/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"$r/etc/apt/apt.conf.d/docker-autoremove-suggests"
  find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$r"/usr/share/{man,groff,info,lintian,linda,locale}/* \
    "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/* "$r"/var/cache/debconf/*-old \
    "$r"/var/log/*.log "$r"/var/log/apt/* "$r"/tmp/* "$r"/root/.bash_history
  : >"$r/etc/machine-id"
  tar --numeric-owner -C "$r" -cf "$tarball.tmp" .
  mv -f "$tarball.tmp" "$tarball"
  rm -rf "$work"
}

ensure_base() {
  command -v podman >/dev/null || die "podman missing: scripts/install-deps.sh containers"
  export CONTAINERS_CONF=${CONTAINERS_CONF:-$(write_conf)}
  if podman image exists "$BASE_IMAGE"; then
    echo "podman-env: $BASE_IMAGE present" >&2
    return
  fi
  mkdir -p "$cache"
  local tarball=$cache/debian-$SUITE-slim-rootfs.tar
  # One builder at a time (two test runs starting together would both debootstrap).
  exec 9>"$cache/base.lock"
  flock 9
  if ! podman image exists "$BASE_IMAGE"; then
    [ -s "$tarball" ] || make_rootfs_tarball "$tarball"
    podman import -q --change 'CMD ["bash"]' "$tarball" "$BASE_IMAGE" >/dev/null
    echo "podman-env: imported $BASE_IMAGE from $tarball" >&2
  fi
  flock -u 9
}

case "${1:-}" in
  conf) write_conf ;;
  env) echo "export CONTAINERS_CONF=$(write_conf)" ;;
  base) ensure_base ;;
  *) die "usage: $0 conf|env|base" ;;
esac
