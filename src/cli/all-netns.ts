// --all-netns: a target for every network namespace on the host (netns-scan), not only the
// named ones: Docker's bind mounts under its exec-root, containerd's and CNI's, namespaces only
// processes hold. Each is opened once (the scan deduplicates by nsfs inode) and checked to still
// be the namespace the scan saw; one that vanished meanwhile is skipped without a word, one this
// process may not enter (no root) is skipped with a line on stderr, so the output says what it
// could not see.
import { NetlinkSocket } from '../netlink/socket.js';
import { openScanned, scanNamespaces, type ScannedNamespace, type SkippedPath } from '../netlink/netns-scan/index.js';
import type { Target } from './targets.js';

/** One stderr line for what the scan could not read, grouped by errno (not one line per fd). */
export function skippedNote(skipped: readonly SkippedPath[], what = '--all-netns'): string | undefined {
  if (!skipped.length) return undefined;
  const byCode = new Map<string, number>();
  for (const s of skipped) byCode.set(s.code, (byCode.get(s.code) ?? 0) + 1);
  const pids = new Set(skipped.map((s) => /^\/proc\/(\d+)\//.exec(s.path)?.[1]).filter(Boolean));
  const codes = [...byCode].map(([c, n]) => `${n} ${c}`).join(', ');
  return `netlinkts: ${what}: ${skipped.length} paths were not readable (${codes})${pids.size ? ` in ${pids.size} processes` : ''}; namespaces only they hold are not shown (run as root to see them)`;
}

/** Every namespace but the current one, each with a socket in it; the scan entry rides along. */
export function scannedTargets(protocol: number, warn: (line: string) => void): Target[] {
  const scan = scanNamespaces();
  const note = skippedNote(scan.skipped);
  if (note) warn(note);
  const out: Target[] = [];
  const denied: string[] = [];
  for (const e of scan.namespaces) {
    if (e.current) continue;
    const handle = openScanned(e);
    if (!handle) {
      if (!e.paths.length) denied.push(e.label);
      continue;
    }
    try {
      out.push({ name: e.label, path: handle.path, sock: new NetlinkSocket({ protocol, netns: handle.fd, name: `${e.label}:${protocol}` }), handle, info: e });
    } catch (err) {
      handle.close();
      const errno = (err as { errno?: number }).errno;
      // setns refuses a namespace owned by a user namespace we hold no capability in.
      if (errno !== 1 && errno !== 13) throw err;
      denied.push(e.label);
    }
  }
  if (denied.length) warn(`netlinkts: --all-netns: not allowed to enter ${denied.length} namespaces (${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ', ...' : ''}): skipped`);
  return out;
}

/** JSON fields describing where a namespace comes from: its path and its holders. */
export function namespaceOrigin(info: ScannedNamespace | undefined): Record<string, unknown> {
  if (!info) return {};
  return {
    path: info.mounts[0] ?? info.paths[0],
    container: info.container ? info.container.id : undefined,
    holders: info.holders.map((h) => ({ pid: h.pid, comm: h.comm, via: h.via, container: h.container?.id, runtime: h.container?.runtime })),
  };
}
