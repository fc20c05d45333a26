// The namespaces a command looks at (--netns NAME, --all-netns, or the current one) and a
// netlink socket in each. Sockets are opened inside a namespace by the native shim on a helper
// thread; this process never changes namespace.
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { NetlinkSocket } from '../netlink/socket.js';
import type { NetworkNamespace } from '../netlink/namespace.js';
import { stringOption, flag, type ParsedArgs } from './args.js';
import { CliError } from './errors.js';

export const NETNS_DIR = '/run/netns';

export interface Target {
  /** The /run/netns name; null for the namespace this process runs in. */
  name: string | null;
  /** The path the namespace was opened from (undefined: the current one). */
  path?: string;
  sock: NetlinkSocket;
  /** An open handle of the namespace (opened lazily for nsid lookups). */
  handle?: NetworkNamespace;
}

function missing(name: string, path: string): CliError {
  const hint = name.includes('/') ? '' : '; `netlinkts netns list` shows the named ones';
  return new CliError(`network namespace "${name}" not found: ${path} does not exist${hint}`);
}

export function namespacePath(name: string): string {
  if (name.includes('/')) return name;
  if (name === '.' || name === '..' || name.includes('\0')) throw new CliError(`"${name}" is not a namespace name`);
  return `${NETNS_DIR}/${name}`;
}

/** Names under /run/netns, sorted (`ip netns list`'s set). */
export async function namedNamespaces(): Promise<string[]> {
  try {
    return readdirSync(NETNS_DIR).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export function openSocketIn(name: string | null, protocol = NETLINK_ROUTE): Target {
  if (name === null) return { name: null, sock: new NetlinkSocket({ protocol, name: `cli${protocol}` }) };
  const path = namespacePath(name);
  if (!existsSync(path)) throw missing(name, path);
  try {
    return { name, path, sock: new NetlinkSocket({ protocol, netns: path, name: `${name}:${protocol}` }) };
  } catch (err) {
    const e = err as { errno?: number; code?: string; message?: string };
    if (e.errno === 2 || e.code === 'ENOENT') throw missing(name, path);
    // /run/netns/NAME exists but is not a namespace (a stale file): setns says EINVAL.
    if (e.errno === 22 || e.code === 'EINVAL') throw new CliError(`${path} is not a network namespace (a stale file? \`ip netns delete ${name}\` removes it)`);
    throw err;
  }
}

/**
 * The namespaces selected by --netns / --all-netns, each with a socket. With --all-netns a
 * named namespace that is the current one is shown once (as the current one), and stale
 * entries of /run/netns are reported on stderr and skipped.
 */
export async function openTargets(args: ParsedArgs, protocol = NETLINK_ROUTE): Promise<Target[]> {
  const netns = stringOption(args, 'netns');
  if (netns !== undefined) return [openSocketIn(netns, protocol)];
  const current = openSocketIn(null, protocol);
  if (!flag(args, 'all-netns')) return [current];
  const out: Target[] = [current];
  const names = await namedNamespaces();
  if (!names.length) return out;
  const { loadNative } = await import('../netlink/native.js');
  const native = loadNative();
  const [cdev, cino] = native.nsIdentity(-1);
  for (const name of names) {
    const path = `${NETNS_DIR}/${name}`;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      process.stderr.write(`netlinkts: skipping ${path}: ${(err as Error).message}\n`);
      continue;
    }
    try {
      const [dev, ino] = native.nsIdentity(fd);
      if (dev === cdev && ino === cino) continue;
      try {
        // By path, so that errors name the namespace.
        out.push({ name, path, sock: new NetlinkSocket({ protocol, netns: path, name: `${name}:${protocol}` }) });
      } catch (err) {
        const e = err as { errno?: number };
        if (e.errno !== 22) throw err;
        process.stderr.write(`netlinkts: skipping ${path}: not a network namespace\n`);
      }
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

export function closeTargets(targets: Target[]): void {
  for (const t of targets) {
    t.sock.close();
    t.handle?.close();
  }
}

/** The label printed before a namespace's output in text mode with --all-netns. */
export function targetTitle(t: Target): string {
  return `netns: ${t.name ?? '(current)'}`;
}
