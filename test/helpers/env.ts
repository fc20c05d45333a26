// Shared test helpers: oracles (ip, nft) and throwaway namespaces. Every kernel test runs
// inside the private namespace made by scripts/in-private-netns.mjs; `assertPrivate` refuses
// to go on anywhere else, so a test run by hand can never touch the host's network.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { isOracle, locate, tool } from './tools.js';

export function assertPrivate(): void {
  if (process.env.NETLINKTS_PRIVATE_NETNS !== '1') {
    throw new Error('kernel tests must run inside the private test namespace: use `npm test` (or node scripts/in-private-netns.mjs npx ava FILE)');
  }
  // The flag alone could be inherited by accident; the runner's own tmpfs on /run/netns proves
  // this process sits in the private mount namespace that was made together with the network one.
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  if (!/ \/run\/netns .* - tmpfs netlinkts-netns /.test(mounts)) {
    throw new Error('refusing to run: /run/netns is not the private tmpfs of scripts/in-private-netns.mjs, so this may be the host namespace');
  }
  let host: string | undefined;
  try { host = readlinkSync('/proc/1/ns/net'); } catch { /* not readable here */ }
  if (host && host === readlinkSync('/proc/self/ns/net')) throw new Error('refusing to run: this is the host network namespace');
}

/**
 * A bare oracle name (`ip`, `nft`, `strace`, ...) becomes its verified system path, so no
 * same-named command earlier on PATH can stand in for it, and a missing oracle fails the test
 * with a message naming the tool and its package instead of an ENOENT.
 */
function resolveCmd(cmd: string): string {
  return isOracle(cmd) ? tool(cmd) : cmd;
}

/** Run a program, return stdout; throws with stderr on failure. */
export function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(resolveCmd(cmd), args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Run a program and return its status and output without throwing. */
export function tryRun(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(resolveCmd(cmd), args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `ip -j ARGS` (inside `ip netns exec NS` when ns is given), parsed. */
export function ipJson<T = any>(args: string[], ns?: string): T {
  const full = ns ? ['netns', 'exec', ns, 'ip', '-j', ...args] : ['-j', ...args];
  const out = run('ip', full).trim();
  return (out ? JSON.parse(out) : []) as T;
}

/** `ip ARGS` in a namespace (or here). */
export function ip(args: string[], ns?: string): string {
  return run('ip', ns ? ['-n', ns, ...args] : args);
}

let counter = 0;
/** A namespace name unique to this test process. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid % 10000}x${counter++}`.slice(0, 15);
}

/** Create a namespace with `ip netns add` (the oracle's way), run fn, always delete it. */
export async function withIpNetns<T>(prefix: string, fn: (name: string) => Promise<T> | T): Promise<T> {
  assertPrivate();
  const name = uniqueName(prefix);
  run('ip', ['netns', 'add', name]);
  try {
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return await fn(name);
  } finally {
    tryRun('ip', ['netns', 'del', name]);
  }
}

/**
 * The system's nft binary, for commands that pass it as an argument (`ip netns exec NS NFT`).
 * Not plain 'nft': under npm/npx, PATH starts with node_modules/.bin, where ava's dependency
 * @vercel/nft installs a command of the same name. Resolved without throwing so that files
 * which never use nft still load on a machine without it; nftJson/nftText and
 * test/install-tools.test.ts fail naming nftables there.
 */
export const NFT = ((l) => ('path' in l ? l.path : '/usr/sbin/nft'))(locate('nft'));

/** `nft -j list ruleset` in a namespace, parsed. */
export function nftJson(ns?: string): any {
  const nft = tool('nft');
  const out = ns ? run('ip', ['netns', 'exec', ns, nft, '-j', 'list', 'ruleset']) : run(nft, ['-j', 'list', 'ruleset']);
  return JSON.parse(out);
}

/** `nft list ruleset` text in a namespace. */
export function nftText(ns?: string): string {
  const nft = tool('nft');
  return ns ? run('ip', ['netns', 'exec', ns, nft, 'list', 'ruleset']) : run(nft, ['list', 'ruleset']);
}

/** Open file descriptors of this process (for leak checks). */
export function openFdCount(): number {
  return Number(run('bash', ['-c', `ls /proc/${process.pid}/fd | wc -l`]).trim());
}
