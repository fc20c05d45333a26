#!/usr/bin/env bash
# Re-captures the golden netlink bytes under test/fixtures/netlink from real iproute2 traffic,
# inside a private network namespace: `bash scripts/capture-golden.sh`. Each fixture holds the
# datagrams of one command as hex, one datagram a line, prefixed "send" or "recv".
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/netlink"
mkdir -p "$out"
capture() { # name, command...
  local name=$1; shift
  strace -x -e trace=sendmsg,recvmsg -e write=3 -e read=3 "$@" 2>&1 >/dev/null | awk '
    /^(sendmsg|recvmsg)\(/ { if (cur != "") print dir, cur; cur=""; dir=substr($0,1,4); peek=($0 ~ /MSG_PEEK/); next }
    /^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / { if (peek) next; line=substr($0, 11, 49); gsub(/ /, "", line); cur = cur line; next }
    END { if (cur != "") print dir, cur }' > "$out/$name.hex"
}
export out; export -f capture
unshare --net --mount --propagation private bash -c "
  set -e
  ip link set lo up
  capture ip-link-add-unknown-kind ip link add foo type nonexistentkind || true
  capture ip-link-show-lo ip link show lo
  ip link add br0 type bridge
  ip addr add 192.168.0.1/16 dev br0
  capture ip-addr-add-exists ip addr add 192.168.0.1/16 dev br0 || true
  capture ip-route-show ip route show table local
"
ls -l "$out"
