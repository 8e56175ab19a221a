#!/usr/bin/env bash
# Installs the Debian packages Boutique needs, and only those that are missing.
# Idempotent: a second run installs nothing and takes well under a second.
# Usage: scripts/install-deps.sh [--list] [GROUP...]
#   groups: build run node test fuzz bench containers k8s ui ansible jenkins (default: build run)
#   node also installs the project's pinned Node.js and npm (frontend/toolchain/install.sh, from the
#   npm registry: Debian 12's nodejs is 18, too old for the UI's tools); see docs/frontend.md.
#   --list: print the groups' packages, one per line, and install nothing (playbooks/ reads this,
#           so the playbook and this script install the same sets).
# Works as root or through sudo. Exit 1 when apt-get fails.
set -euo pipefail

declare -A GROUPS_PKGS=(
  [build]="build-essential cmake pkg-config git clang-format ccache
           libpistache-dev libpqxx-dev libcli11-dev libyaml-cpp-dev libfmt-dev nlohmann-json3-dev
           libsodium-dev libcurl4-openssl-dev"
  [run]="postgresql-15 postgresql-client-15 nginx-light curl ca-certificates procps iproute2"
  # iptables: the partition test drops the packets of one loopback port (api/tests/integration).
  # zsh, fish: `boutique completion zsh|fish` is checked by the shells it is for
  # (cli/tests/completion_test.cpp).
  [test]="libgtest-dev libgmock-dev iptables zsh fish"
  # tests/fuzz (make fuzz, make test-fuzz): clang 14 and its libFuzzer + sanitizer runtimes.
  [fuzz]="clang libclang-rt-14-dev"
  [bench]="wrk hyperfine python3-flask python3-psycopg2 gunicorn"
  [containers]="podman runc buildah debootstrap docker-compose"
  # podman kube play (manifests/tests/kube-play.sh): its pods' infra container runs catatonit.
  # kubectl is not here: Debian 12's kubernetes-client (1.20) is too old for the kustomizations.
  [k8s]="podman runc catatonit"
  # The UI's build and tests: curl fetches the pinned Node.js (see the top of this file).
  [node]="curl ca-certificates"
  [ui]="chromium"
  # playbooks/ (docs/ansible.md): ansible-core 2.14, ansible-lint 6.13, and Debian's ansible for its
  # collections: the tests read the json stdout callback of ansible.posix.
  [ansible]="ansible-core ansible ansible-lint"
  # The Jenkinsfile's tests (docs/jenkins.md): Groovy 2.4 evaluates it; default-jre-headless gives
  # groovy its /usr/lib/jvm/default-java.
  [jenkins]="groovy default-jre-headless"
)

list_only=0
if [ "${1:-}" = "--list" ]; then
  list_only=1
  shift
fi

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build run)

wanted=()
for g in "${groups[@]}"; do
  if [ -z "${GROUPS_PKGS[$g]+x}" ]; then
    echo "install-deps: unknown group '$g' (known: ${!GROUPS_PKGS[*]})" >&2
    exit 2
  fi
  # shellcheck disable=SC2206
  wanted+=(${GROUPS_PKGS[$g]})
done

if [ "$list_only" = 1 ]; then
  printf '%s\n' "${wanted[@]}"
  exit 0
fi

missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

# What a group needs beyond Debian's packages, run after apt (each step is idempotent itself).
post_install() {
  local g
  for g in "${groups[@]}"; do
    case "$g" in
      node) "$(dirname "$0")/../frontend/toolchain/install.sh" ;;
    esac
  done
}

if [ ${#missing[@]} -eq 0 ]; then
  post_install
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo: install them, then retry" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package services (the distribution's own postgresql and nginx) must not start: Boutique runs its own.
policy_rc=/usr/sbin/policy-rc.d
policy_added=0
if [ ! -e "$policy_rc" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy_rc" >/dev/null
  "${SUDO[@]}" chmod 755 "$policy_rc"
  policy_added=1
fi
# An if, not `[ … ] && …`: under set -e a false test as the trap's last command is the script's
# exit status, so a machine that already had policy-rc.d (Debian's images do) failed after a
# successful install.
cleanup() {
  if [ "$policy_added" = 1 ]; then "${SUDO[@]}" rm -f "$policy_rc"; fi
}
trap cleanup EXIT

"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
post_install
