#!/usr/bin/env bash
# Installs the system tools the test suite uses as oracles when they are missing or wrong.
#
# Tools are found by what they are, never by name on PATH: under npm, PATH starts with
# node_modules/.bin, where ava's dependency @vercel/nft installs a command called `nft`, and
# any other tool name could be shadowed the same way. So each tool is looked up in the
# system directories only, and its version line must name the package it comes from
# (`nft --version` says "nftables"). test/helpers/tools.ts applies the same rule to the
# tests themselves.
#
#   --bench       also the benchmark peers (hyperfine, pyroute2)
#   --prebuild    also the compilers scripts/prebuild.mjs uses (gcc, make, arm64 cross gcc and
#                 libc, musl-gcc) and node-gyp's (g++, python3); `npm test` asks for them
#                 because its pack test runs the prebuild
#   --no-oracles  not the test oracles (`npm run prebuild` on a release machine)
#
# NETLINKTS_TOOL_DIRS (colon-separated) replaces the system directories searched; it exists
# so test/install-tools.test.ts can present a machine without nftables. apt-get itself is
# taken from PATH, which lets that test record what would have been installed.
set -euo pipefail

IFS=: read -r -a dirs <<<"${NETLINKTS_TOOL_DIRS:-/usr/sbin:/usr/bin:/sbin:/bin}"

# check TOOL PACKAGE PATTERN [VERSION-FLAG]: TOOL found in a system directory whose version
# output matches PATTERN; otherwise PACKAGE is recorded as needed.
need=()
wrong=()
check() {
  local tool=$1 pkg=$2 pattern=$3 flag=${4:---version} d out
  for d in "${dirs[@]}"; do
    [[ -x "$d/$tool" && ! -d "$d/$tool" ]] || continue
    # A tool that exits non-zero for its version flag (ping -V did on old iputils) still
    # printed its identity; only the text decides.
    out=$("$d/$tool" "$flag" 2>&1 </dev/null | head -n 3) || true
    if grep -Eq "$pattern" <<<"$out"; then return 0; fi
    wrong+=("$d/$tool is not $pkg (its $flag said: $(head -n 1 <<<"$out"))")
  done
  need+=("$pkg")
}

check_all() {
  need=()
  wrong=()
  if ((oracles)); then check_oracles; fi
  if ((bench)); then
    check hyperfine hyperfine '^hyperfine'
    # Debian's module lives under /usr/bin/python3 (the PATH python3 may be a pyenv shim).
    /usr/bin/python3 -c 'import pyroute2' 2>/dev/null || need+=(python3-pyroute2)
  fi
  if ((prebuild)); then
    check gcc gcc 'gcc'
    check make make 'GNU Make'
    # Not for the prebuild itself: for the from-source build `npm install` does in a checkout
    # (node-gyp runs python3, and its Makefiles link with g++ even for C).
    check g++ g++ 'g\+\+'
    check python3 python3 '^Python 3'
    check aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu 'aarch64-linux-gnu-gcc'
    # The cross gcc alone cannot compile even <stdio.h>, nor link -static.
    [[ -f /usr/aarch64-linux-gnu/include/stdio.h && -f /usr/aarch64-linux-gnu/lib/libc.a ]] || need+=(libc6-dev-arm64-cross)
    # musl-gcc is a wrapper around gcc with musl's specs; -v names the specs file first.
    check musl-gcc musl-tools 'musl-gcc\.specs' -v
  fi
  # One package can provide several tools (iproute2: ip and tc): ask for it once.
  if ((${#need[@]})); then
    mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  fi
}

check_oracles() {
  check ip iproute2 'iproute2' -V
  check tc iproute2 'iproute2' -V
  check nft nftables 'nftables'
  check strace strace '^strace' -V
  check ping iputils-ping 'iputils' -V
  check unshare util-linux 'util-linux'
  check conntrack conntrack 'conntrack-tools'
  check ethtool ethtool '^ethtool'
  # The tests drive iptables-nft (the nf_tables back end), the one Debian selects by default.
  check iptables-nft iptables 'nf_tables'
  # WireGuard's tool: this kernel lacks the module, so wg's own requests are the oracle.
  check wg wireguard-tools 'wireguard-tools'
  # genl ctrl list is the oracle for generic netlink families (iproute2 ships genl).
  check genl iproute2 'iproute2' -V
  # The wg byte-equality test builds its LD_PRELOAD pretend kernel with cc.
  check cc gcc 'gcc|cc'
  # The reference CNI plugins, a real client whose leftovers the tests read (not on PATH:
  # /usr/lib/cni). Each answers CNI_COMMAND=VERSION with the spec versions it supports.
  local p
  for p in bridge host-local portmap; do
    [[ $(CNI_COMMAND=VERSION /usr/lib/cni/$p </dev/null 2>/dev/null) == *supportedVersions* ]] || { need+=(containernetworking-plugins); break; }
  done
}

oracles=1 bench=0 prebuild=0
for arg in "$@"; do
  case $arg in
    --bench) bench=1 ;;
    --prebuild) prebuild=1 ;;
    --no-oracles) oracles=0 ;;
    *) echo "usage: ensure-tools.sh [--bench] [--prebuild] [--no-oracles]" >&2; exit 2 ;;
  esac
done
check_all
# Docker's engine for test/docker-host.test.ts: fetched and unpacked into a cache, never installed
# (see fetch-docker.sh). Not fatal: that one test skips with the reason. Not under
# NETLINKTS_TOOL_DIRS, which is install-tools.test.ts presenting a pretend machine.
if ((oracles)) && [[ -z ${NETLINKTS_TOOL_DIRS:-} ]]; then
  bash "$(dirname "$0")/fetch-docker.sh" || true
fi
((${#need[@]})) || exit 0

for w in "${wrong[@]}"; do echo "ensure-tools: $w" >&2; done
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "ensure-tools: missing system packages: ${need[*]}" >&2
  echo "ensure-tools: install them (e.g. sudo apt-get install ${need[*]}), or run as root on Debian/Ubuntu so this script can" >&2
  exit 1
fi
echo "ensure-tools: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

# Installing is not proof: the tool must now be where the tests look, and be the right one.
check_all
if ((${#need[@]})); then
  for w in "${wrong[@]}"; do echo "ensure-tools: $w" >&2; done
  echo "ensure-tools: still missing after apt-get install: ${need[*]}" >&2
  exit 1
fi
