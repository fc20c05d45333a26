// `netlinkts dump-links`: links like `ip -d link show`, in one namespace or all of them,
// filtered by the kernel (--type, --master). The library decodes (listLinks) and presents
// (linkJson, linkText); this file adds what only a view over several namespaces knows: the
// name and namespace of a veth's peer.
import { encodeLinkDump } from '../../rtnl/link.js';
import { findLink, listLinks } from '../../rtnl/link-read.js';
import { linkJson, linkText, type PeerInfo } from '../../rtnl/print/link.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';
import { retryInterrupted } from '../retry.js';
import { JsonArrayWriter, Output } from '../output.js';
import { closeTargets, openTargets, targetTitle, type Target } from '../targets.js';
import { findLinkPeers, type LinkView, type PeerFound } from '../../rtnl/link-peers.js';
import type { ScannedNamespace } from '../../netlink/netns-scan/index.js';

/** The master's ifindex in t; undefined when t has no such link (--all-netns: nothing to show there). */
async function masterIndex(t: Target, name: string, single: boolean): Promise<number | undefined> {
  const l = await findLink(t.sock, /^\d+$/.test(name) ? Number(name) : name, { resolveNames: false });
  if (l) return l.ifindex;
  if (!single) return undefined;
  throw new CliError(`dump-links: --master ${name}: no such link${t.name !== null ? ` in namespace ${t.name}` : ''}`);
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
    const shown: LinkView[] = [];
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
      shown.push({ scope: t, links });
    }
    const found = await findLinkPeers(shown, { partial: kind !== undefined || masterName !== undefined, scanned: flag(args, 'all-netns') });

    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const [i, s] of shown.entries()) {
      const t = s.scope as Target;
      const { peers, nsNames } = found[i]!;
      if (!arr && !single) out.write(`${targetTitle(t)}\n`);
      const nsName = (id: number): string | undefined => {
        const n = nsNames.get(id);
        return n === null ? '(current)' : n;
      };
      for (const l of s.links) {
        const peer = peers.get(l.ifindex);
        const p = arr ? arr.item(JSON.stringify({ ...linkJson(l, t.name, peer), ...origins(t.info, peer?.info) })) : out.write(linkText(l, peer && textPeer(peer), nsName));
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
