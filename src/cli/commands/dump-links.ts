// `netlinkts dump-links`: links like `ip -d link show`, in one namespace or all of them,
// filtered by the kernel (--type, --master). The library decodes (listLinks) and presents
// (linkJson, linkText); this file adds what only a view over several namespaces knows: the
// name and namespace of a veth's peer.
import { encodeLinkDump, type Link } from '../../rtnl/link.js';
import { findLink, listLinks } from '../../rtnl/link-ops.js';
import { linkJson, linkText, type PeerInfo } from '../../rtnl/print/link.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';
import { retryInterrupted } from '../retry.js';
import { JsonArrayWriter, Output } from '../output.js';
import { closeTargets, openTargets, targetTitle, type Target } from '../targets.js';
import type { NamespaceDirectory, PeerFound } from '../peers.js';
import type { ScannedNamespace } from '../../netlink/netns-scan/index.js';

/** ip names a link it cannot see "ifN": not a name to show as a peer. */
const IF_LIKE = /^if\d+$/;

/** The master's ifindex in t; undefined when t has no such link (--all-netns: nothing to show there). */
async function masterIndex(t: Target, name: string, single: boolean): Promise<number | undefined> {
  const l = await findLink(t.sock, /^\d+$/.test(name) ? Number(name) : name, { resolveNames: false });
  if (l) return l.ifindex;
  if (!single) return undefined;
  throw new CliError(`dump-links: --master ${name}: no such link${t.name !== null ? ` in namespace ${t.name}` : ''}`);
}

interface Shown {
  t: Target;
  links: Link[];
  peers: Map<number, PeerFound>;
  nsNames: Map<number, string | null | undefined>;
}

/** Veth peers: in the same namespace from IFLA_LINK; in another one through its nsid (peers.ts). */
async function findPeers(shown: Shown[], filtered: boolean, scanned: boolean): Promise<void> {
  let dir: NamespaceDirectory | undefined;
  if (shown.some((s) => s.links.some((l) => l.link_netnsid !== undefined))) {
    const { NamespaceDirectory } = await import('../peers.js');
    const names = new Map<string, Map<number, string>>();
    const crossings = new Map<string, Map<number, number>>();
    for (const s of shown) {
      names.set(s.t.name ?? '', new Map(s.links.map((l) => [l.ifindex, l.ifname])));
      crossings.set(s.t.name ?? '', new Map(s.links.filter((l) => l.link_netnsid !== undefined).map((l) => [l.ifindex, l.link_index ?? 0])));
    }
    dir = new NamespaceDirectory(names, crossings, scanned ? shown.map((s) => s.t) : undefined);
    dir.partial = filtered;
  }
  for (const s of shown) {
    const jobs: Promise<void>[] = [];
    for (const l of s.links) {
      const veth = l.linkinfo?.info_kind === 'veth' && !!l.link_index;
      if (l.link_netnsid === undefined) {
        if (veth && typeof l.link === 'string' && !IF_LIKE.test(l.link)) s.peers.set(l.ifindex, { peer_ifname: l.link, peer_netns: s.t.name });
        continue;
      }
      const id = l.link_netnsid;
      const d = dir!;
      jobs.push((async () => {
        if (!s.nsNames.has(id)) s.nsNames.set(id, await d.nsName(s.t, id, l.ifindex, l.link_index ?? 0));
        if (!veth || id < 0) return;
        const p = await d.peer(s.t, id, l.link_index!, l.ifindex);
        if (p) s.peers.set(l.ifindex, p);
      })());
    }
    await Promise.all(jobs);
  }
}

/**
 * --all-netns JSON: where the link's namespace and its peer's come from (bind-mount path,
 * container, holders), beside ip's own fields.
 */
function origins(own: ScannedNamespace | undefined, peer: ScannedNamespace | undefined): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (own) {
    o.netns_path = own.mounts[0] ?? own.paths[0];
    if (own.container) o.netns_container = own.container.id;
  }
  if (peer) {
    o.peer_netns_path = peer.mounts[0] ?? peer.paths[0];
    if (peer.container) o.peer_container = peer.container.id;
    o.peer_netns_holders = peer.holders.map((h) => ({ pid: h.pid, comm: h.comm, via: h.via, container: h.container?.id, runtime: h.container?.runtime }));
  }
  return o;
}

/** In text, a peer namespace named by its path also says whose container it is. */
function textPeer(p: PeerFound): PeerInfo {
  const c = p.info?.container;
  if (!c || p.peer_netns === null || p.peer_netns.startsWith('container ')) return p;
  return { peer_ifname: p.peer_ifname, peer_netns: `${p.peer_netns} (container ${c.id.slice(0, 12)})` };
}

export async function run(args: ParsedArgs): Promise<number> {
  const json = flag(args, 'json');
  const kind = stringOption(args, 'type');
  const masterName = stringOption(args, 'master');
  const targets = await openTargets(args);
  const single = targets.length === 1;
  try {
    const shown: Shown[] = [];
    const masters = new Map<Target, number | undefined>();
    for (const t of targets) {
      const master = masterName === undefined ? undefined : await masterIndex(t, masterName, single);
      if (masterName !== undefined && master === undefined) continue;
      masters.set(t, master);
    }
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const [{ rawDump }, { rtnlSchema }] = await Promise.all([import('../raw-dump.js'), import('../../rtnl/tree-schema.js')]);
      await rawDump([...masters.keys()], (t) => encodeLinkDump({ kind, master: masters.get(t) }), { operation: 'list links' }, mode, json, rtnlSchema);
      return 0;
    }
    for (const [t, master] of masters) {
      const links = await retryInterrupted(() => listLinks(t.sock, { kind, master }));
      shown.push({ t, links, peers: new Map(), nsNames: new Map() });
    }
    await findPeers(shown, kind !== undefined || masterName !== undefined, flag(args, 'all-netns'));

    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const s of shown) {
      if (!arr && !single) out.write(`${targetTitle(s.t)}\n`);
      const nsName = (id: number): string | undefined => {
        const n = s.nsNames.get(id);
        return n === null ? '(current)' : n;
      };
      for (const l of s.links) {
        const peer = s.peers.get(l.ifindex);
        const p = arr ? arr.item(JSON.stringify({ ...linkJson(l, s.t.name, peer), ...origins(s.t.info, peer?.info) })) : out.write(linkText(l, peer && textPeer(peer), nsName));
        if (p) await p;
      }
    }
    arr?.end();
    await out.end();
    return 0;
  } finally {
    closeTargets(targets);
  }
}
