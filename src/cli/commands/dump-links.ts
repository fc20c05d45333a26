// `netlinkts dump-links`: links like `ip -d link show`, in one namespace or all of them,
// filtered by the kernel (--type, --master); JSON in ip -j -d's vocabulary plus netns and
// veth peers across namespaces.
import { encodeLinkDump, type Link } from '../../rtnl/link.js';
import { getLinkForPrint, listLinksForPrint } from '../link-decode.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';
import { linkJson, linkText, type PeerInfo } from '../link-format.js';
import { JsonArrayWriter, Output } from '../output.js';
import { closeTargets, openTargets, targetTitle, type Target } from '../targets.js';

/** The master's ifindex in t; undefined when t has no such link (--all-netns: nothing to show there). */
async function masterIndex(t: Target, name: string, single: boolean): Promise<number | undefined> {
  const l = await getLinkForPrint(t.sock, /^\d+$/.test(name) ? Number(name) : name);
  if (l) return l.ifindex;
  if (!single) return undefined;
  throw new CliError(`dump-links: --master ${name}: no such link${t.name !== null ? ` in namespace ${t.name}` : ''}`);
}

export async function run(args: ParsedArgs): Promise<number> {
  const json = flag(args, 'json');
  const kind = stringOption(args, 'type');
  const masterName = stringOption(args, 'master');
  const targets = await openTargets(args);
  const single = targets.length === 1;
  try {
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const [{ rawDump }, { rtnlSchema }] = await Promise.all([import('../raw-dump.js'), import('../schema/rtnl.js')]);
      const masters = new Map<Target, number | undefined>();
      for (const t of targets) masters.set(t, masterName === undefined ? undefined : await masterIndex(t, masterName, single));
      const shown = targets.filter((t) => masterName === undefined || masters.get(t) !== undefined);
      await rawDump(shown, (t) => encodeLinkDump({ kind, master: masters.get(t) }), { operation: 'list links' }, mode, json, rtnlSchema);
      return 0;
    }

    const perTarget: Array<{ t: Target; links: Link[] }> = [];
    for (const t of targets) {
      let master: number | undefined;
      if (masterName !== undefined) {
        master = await masterIndex(t, masterName, single);
        if (master === undefined) continue;
      }
      perTarget.push({ t, links: await listLinksForPrint(t.sock, { kind, master }) });
    }

    // Veth peers: same namespace from IFLA_LINK; another one through its nsid.
    const peers = new Map<Link, PeerInfo>();
    const nsNames = new Map<Target, Map<number, string | null | undefined>>();
    const crossNs = perTarget.some(({ links }) => links.some((l) => l.link_netnsid !== undefined));
    let dir: import('../peers.js').NamespaceDirectory | undefined;
    if (crossNs) {
      const { NamespaceDirectory } = await import('../peers.js');
      dir = new NamespaceDirectory(new Map(perTarget.map(({ t, links }) => [t.name ?? '', links])));
      dir.partial = kind !== undefined || masterName !== undefined;
    }
    for (const { t, links } of perTarget) {
      const names = new Map<number, string | null | undefined>();
      nsNames.set(t, names);
      const remote: Link[] = [];
      for (const l of links) {
        if (l.link_netnsid !== undefined) {
          if (dir) remote.push(l);
          continue;
        }
        if (l.link_index !== undefined && l.link && l.linkinfo?.info_kind === 'veth' && !/^if\d+$/.test(l.link)) {
          peers.set(l, { peer_ifname: l.link, peer_netns: t.name });
        }
      }
      // Only links whose peer or lower device is in another namespace need the kernel's help.
      await Promise.all(remote.map(async (l) => {
        const id = l.link_netnsid!;
        if (!names.has(id)) names.set(id, await dir!.nsName(t, id));
        if (l.linkinfo?.info_kind !== 'veth' || l.link_index === undefined || id < 0) return;
        const p = await dir!.peer(t, id, l.link_index);
        if (p) peers.set(l, p);
      }));
    }

    const out = new Output();
    if (json) {
      const arr = new JsonArrayWriter(out);
      for (const { t, links } of perTarget) {
        for (const l of links) {
          const p = arr.item(JSON.stringify(linkJson(l, t.name, peers.get(l))));
          if (p) await p;
        }
      }
      arr.end();
    } else {
      for (const { t, links } of perTarget) {
        if (!single) out.write(`${targetTitle(t)}\n`);
        const names = nsNames.get(t)!;
        const nsName = (id: number): string | undefined => {
          const n = names.get(id);
          return n === null ? '(current)' : n;
        };
        for (const l of links) {
          const p = out.write(linkText(l, peers.get(l), nsName));
          if (p) await p;
        }
      }
    }
    await out.end();
    return 0;
  } finally {
    closeTargets(targets);
  }
}
