#!/usr/bin/env bash
# Fetches Docker's engine as Debian ships it (docker.io with containerd, runc and tini) and
# busybox-static (the image's only binary), as .debs unpacked into a cache directory that the
# test scripts own: node_modules/.cache/netlinkts-docker/root. Never installed system-wide: the
# packages' scripts would start dockerd as a service in the machine's own network namespace.
# test/docker-host.test.ts runs the binaries from there, inside a private network + mount + pid
# namespace, and skips (saying why) when this could not fetch them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${NETLINKTS_DOCKER_CACHE:-$here/node_modules/.cache/netlinkts-docker}
pkgs=(docker.io containerd runc tini busybox-static)
have() {
  [[ -x $cache/root/usr/sbin/dockerd && -x $cache/root/usr/bin/containerd && -x $cache/root/usr/bin/runc \
    && -x $cache/root/usr/bin/docker && -x $cache/root/bin/busybox ]]
}
have && exit 0
for t in apt-get dpkg-deb; do
  command -v "$t" >/dev/null || { echo "fetch-docker: $t not found (not Debian?): the Docker host test will skip" >&2; exit 1; }
done
mkdir -p "$cache/debs"
cd "$cache/debs"
rm -f ./*.deb
# apt-get download needs no root, only package lists; refresh them once if the first try fails.
if ! apt-get download -qq "${pkgs[@]}" 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq >/dev/null 2>&1 || true; fi
  apt-get download -qq "${pkgs[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true
fi
shopt -s nullglob
debs=(./*.deb)
if ((${#debs[@]} < ${#pkgs[@]})); then
  echo "fetch-docker: could not download ${pkgs[*]} (got ${#debs[@]} of ${#pkgs[@]}): the Docker host test will skip" >&2
  exit 1
fi
rm -rf "$cache/root.new"
mkdir -p "$cache/root.new"
for d in "${debs[@]}"; do dpkg-deb -x "$d" "$cache/root.new"; done
rm -rf "$cache/root"
mv "$cache/root.new" "$cache/root"
have || { echo "fetch-docker: unpacked, but dockerd/containerd/runc/docker/busybox are not all there" >&2; exit 1; }
