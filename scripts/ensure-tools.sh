#!/usr/bin/env bash
# Installs the system tools the test suite uses as oracles (ip, nft, strace, ping) when they
# are missing. A fresh machine has only what the project installs. With --bench, also the
# benchmark peers (hyperfine, pyroute2).
set -euo pipefail
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v nft >/dev/null || need+=(nftables)
command -v strace >/dev/null || need+=(strace)
command -v ping >/dev/null || need+=(iputils-ping)
command -v unshare >/dev/null || need+=(util-linux)
if [[ "${1:-}" == "--bench" ]]; then
  command -v hyperfine >/dev/null || need+=(hyperfine)
  # Debian's module lives under /usr/bin/python3 (the PATH python3 may be a pyenv shim).
  /usr/bin/python3 -c 'import pyroute2' 2>/dev/null || need+=(python3-pyroute2)
fi
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "missing tools: ${need[*]} (install them, or run as root on Debian so this script can)" >&2
    exit 1
  fi
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
