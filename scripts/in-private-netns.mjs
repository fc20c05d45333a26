#!/usr/bin/env node
// Runs a command inside a private network + mount namespace (and a user namespace when not
// root), so nothing it does can touch the host's network, and everything it made vanishes
// when it exits, even if it is killed. /run/netns gets its own tmpfs there, so named
// namespaces created by tests never appear on the host.
import { spawnSync } from 'node:child_process';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: in-private-netns.mjs COMMAND [ARGS...]');
  process.exit(2);
}

if (process.env.NETLINKTS_PRIVATE_NETNS === '1') {
  // Already inside (nested npm scripts): run as is.
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const setup = [
  'set -e',
  'mkdir -p /run/netns',
  'mount -t tmpfs -o mode=0755 netlinkts-netns /run/netns',
  // A sysfs of this namespace, so /sys/class/net agrees with netlink (best effort).
  'mount -t sysfs sysfs /sys 2>/dev/null || true',
  'ip link set lo up',
  'export NETLINKTS_PRIVATE_NETNS=1',
  'exec "$@"',
].join('\n');

const unshareArgs = ['--net', '--mount', '--propagation', 'private'];
if (process.getuid?.() !== 0) unshareArgs.unshift('--user', '--map-root-user');
const r = spawnSync('unshare', [...unshareArgs, '--', 'bash', '-c', setup, 'netlinkts-private', cmd, ...args], {
  stdio: 'inherit',
});
if (r.error) {
  console.error(`cannot create a private namespace with unshare: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? (r.signal ? 128 : 1));
