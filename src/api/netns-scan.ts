// netns.all(): every network namespace on the host, each with the id the caller's namespace
// gives it (so a veth's link_netnsid maps to it) and a way to open it as a fluent Namespace.
// The scan itself (src/netlink/netns-scan) only reads /proc and mountinfo; this adds what
// needs a socket. Namespaces that vanish between the scan and the id lookup are dropped.
import type { NetworkNamespace } from '../netlink/namespace.js';
import { SystemError } from '../netlink/errors.js';
import { openScanned, scanNamespaces, type ScanOptions, type ScannedNamespace, type SkippedPath } from '../netlink/netns-scan/index.js';
import { openRtnlSocket } from '../rtnl/index.js';
import { getNsid } from '../rtnl/nsid-ops.js';
import { Namespace } from './namespace.js';

export interface NamespaceInfo extends ScannedNamespace {
  /** The id the caller's namespace gives it (RTM_GETNSID); undefined: none assigned (or the current one). */
  nsid?: number;
  /** A fluent handle on it (links, routes, nft...); throws if it has gone meanwhile. */
  open(): Promise<Namespace>;
}

export type AllNamespaces = NamespaceInfo[] & {
  /** Paths the scan was not allowed to read (EACCES/EPERM without root): what it could not see. */
  skipped: SkippedPath[];
};

export async function allNamespaces(opts: ScanOptions = {}): Promise<AllNamespaces> {
  const scan = scanNamespaces(opts);
  const sock = openRtnlSocket({ name: 'netns-all' });
  const list: NamespaceInfo[] = [];
  try {
    await Promise.all(scan.namespaces.map(async (e) => {
      let nsid: number | undefined;
      if (!e.current) {
        const h = openScanned(e);
        if (!h) return; // gone since the scan
        try {
          nsid = await getNsid(sock, h);
        } finally {
          h.close();
        }
      }
      list.push(info(e, nsid));
    }));
  } finally {
    sock.close();
  }
  // Promise.all finished in any order: keep the scan's (current, named, mounts, containers, pids).
  const order = new Map(scan.namespaces.map((e, i) => [e.id, i]));
  list.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return Object.assign(list, { skipped: scan.skipped });
}

function info(e: ScannedNamespace, nsid: number | undefined): NamespaceInfo {
  const entry: NamespaceInfo = {
    ...e,
    async open(): Promise<Namespace> {
      const h: NetworkNamespace | undefined = openScanned(e);
      // ENOENT, as the open of a vanished /proc/PID/ns/net would say.
      if (!h) throw new SystemError(2, 'open', `open network namespace ${e.label} (every path the scan found is gone)`);
      return new Namespace(h, e.names[0]);
    },
  };
  if (nsid !== undefined) entry.nsid = nsid;
  // open() is a method, not data: keep JSON.stringify(entry) to the facts.
  Object.defineProperty(entry, 'open', { enumerable: false });
  return entry;
}
