// The namespaces a command looks at (--netns NAME, --all-netns, or the current one) and a
// netlink socket in each. Sockets are opened inside a namespace by the native shim on a helper
// thread; this process never changes namespace.
import { closeSync, existsSync, openSync } from 'node:fs';
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { NetlinkSocket } from '../netlink/socket.js';
import { assertNetNamespaceFd, type NetworkNamespace } from '../netlink/namespace.js';
import { NotANamespaceError } from '../netlink/errors.js';
import type { ScannedNamespace } from '../netlink/netns-scan/index.js';
import { stringOption, flag, type ParsedArgs } from './args.js';
import { CliError } from './errors.js';

import { NETNS_RUN_DIR as NETNS_DIR } from '../netlink/namespace.js';

export interface Target {
  /** The /run/netns name; null for the namespace this process runs in. */
  name: string | null;
  /** The path the namespace was opened from (undefined: the current one). */
  path?: string;
  sock: NetlinkSocket;
  /** An open handle of the namespace (opened lazily for nsid lookups). */
  handle?: NetworkNamespace;
  /** With --all-netns: what the scan found about it (bind mounts, holders, container). */
  info?: ScannedNamespace;
}

function missing(name: string, path: string): CliError {
  const hint = name.startsWith('/') ? '' : '; `netlinkts netns list` shows the named ones';
  return new CliError(`network namespace "${name}" not found: ${path} does not exist${hint}`);
}

export function namespacePath(name: string): string {
  if (name.startsWith('/')) return name;
  // Relative names are `ip netns` names only: "../../etc" must not walk out of /run/netns.
  if (name.includes('/')) throw new CliError(`"${name}" is neither an \`ip netns\` name (no '/') nor an absolute path to a namespace such as /proc/PID/ns/net`);
  if (name === '.' || name === '..' || name.includes('\0')) throw new CliError(`"${name}" is not a namespace name`);
  return `${NETNS_DIR}/${name}`;
}

export function openSocketIn(name: string | null, protocol = NETLINK_ROUTE): Target {
  if (name === null) return { name: null, sock: new NetlinkSocket({ protocol, name: `cli${protocol}` }) };
  const path = namespacePath(name);
  if (!existsSync(path)) throw missing(name, path);
  checkIsNamespace(name, path);
  try {
    return { name, path, sock: new NetlinkSocket({ protocol, netns: path, name: `${name}:${protocol}` }) };
  } catch (err) {
    const e = err as { errno?: number; code?: string; message?: string };
    if (e.errno === 2 || e.code === 'ENOENT') throw missing(name, path);
    throw err;
  }
}

/**
 * Refuse what is not a network namespace before any setns, saying what it is. Only a stale
 * entry of /run/netns (a name whose bind mount went away) is something `ip netns delete`
 * would fix; for a path given by hand there is nothing to delete.
 */
function checkIsNamespace(name: string, path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw missing(name, path);
    if (e.code === 'EACCES' || e.code === 'EPERM') throw new CliError(`cannot open ${path}: permission denied (network namespaces of other users need root)`);
    throw err;
  }
  try {
    assertNetNamespaceFd(fd, path);
  } catch (err) {
    if (!(err instanceof NotANamespaceError)) throw err;
    const hint = name.startsWith('/')
      ? '; give an `ip netns` name, a bind-mounted namespace or /proc/PID/ns/net (`netlinkts netns list --all` shows them all)'
      : `; a stale entry? \`ip netns delete ${name}\` removes it`;
    throw new CliError(`${path} is not a network namespace (it is ${err.found})${hint}`);
  } finally {
    closeSync(fd);
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
  const { scannedTargets } = await import('./all-netns.js');
  return [current, ...scannedTargets(protocol, (line) => process.stderr.write(`${line}\n`))];
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
