// `netlinkts dump-links`: links like `ip -d link show`, in one namespace or all of them,
// filtered by the kernel (--type, --master); JSON in ip -j -d's vocabulary plus netns and
// veth peers across namespaces.
//
// --json over whole dumps (the common case, and the one that must be fast: 2,000 links within
// 60 ms of a bare node start) scans each datagram once as it arrives and writes plain links as
// bytes (link-json.ts, wholeJson below). Text output and filtered listings go through two
// passes over the messages: the first reads only names, indexes and kinds (for masters and
// peers), the second decodes each link and writes it out at once, so no decoded link outlives
// its line.
import type { MessageRef } from '../../netlink/message.js';
import { encodeLinkDump, resolveLinkNames, type Link, type LinkRef } from '../../rtnl/link.js';
import {
  decodeLinkForPrint, getLinkForPrint, linkBrief, linkMessages, listLinksForPrint, printLinkJson, type LinkBrief,
  type PrintLink,
} from '../link-decode.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';
import { retryInterrupted } from '../retry.js';
import { linkText, type PeerInfo } from '../link-format.js';
import { JsonArrayWriter, Output } from '../output.js';
import { closeTargets, openTargets, targetTitle, type Target } from '../targets.js';
import { LinkTable, netnsBytes } from '../link-json.js';

const IF_LIKE = /^if\d+$/;

/**
 * `--json` over whole dumps: each namespace's datagrams are scanned once as they arrive
 * (link-json.ts), then printed; plain links as bytes, the rest through the decoder. Same text
 * as the two-pass path below (names, peers and namespaces resolved the same way).
 *
 * The first namespace's links are printed while its dump is still coming: the kernel builds
 * each datagram inside the read of it (on the read-ahead thread), so the JSON thread would
 * otherwise wait for it between scans and then write everything. A link is printed as soon
 * as every link it names (peer or lower device, master) has been scanned and every link
 * before it is printed; the text is held (Output.hold) until the dump is complete, because an
 * interrupted dump runs again and one that names an ifindex twice is printed afresh.
 */
async function wholeJson(targets: Target[]): Promise<void> {
  const out = new Output();
  const arr = new JsonArrayWriter(out);
  const tables: LinkTable[] = [];
  /** Rows of the first table printed while it was dumped. */
  let early = 0;
  let attempt = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    const netnsQ = i === 0 ? netnsBytes(t.name) : undefined;
    tables.push(await retryInterrupted(async () => {
      const table = new LinkTable();
      if (netnsQ) {
        if (attempt++ === 0) out.hold();
        else out.discard(); // a retry: the interrupted dump's text goes
        early = 0;
      }
      for await (const c of t.sock.dumpDatagrams(encodeLinkDump({}), { operation: 'list links', headerSize: 16 })) {
        table.add(c);
        if (netnsQ) early = writeWhileDumping(table, early, out, netnsQ);
      }
      return table;
    }));
    if (netnsQ) {
      if (tables[0]!.repeated) {
        out.discard();
        early = 0;
      }
      await out.release();
    }
  }
  if (early > 0) arr.started = true;

  // Veths whose peer is in another namespace (rare): found as the two-pass path finds them.
  const remotes: Map<number, PeerInfo>[] = [];
  let dir: import('../peers.js').NamespaceDirectory | undefined;
  for (let i = 0; i < targets.length; i++) {
    const table = tables[i]!;
    const peers = new Map<number, PeerInfo>();
    remotes.push(peers);
    const jobs: Promise<void>[] = [];
    for (let row = 0; table.withNetnsid > 0 && row < table.end; row += LinkTable.STRIDE) {
      const id = table.netnsid(row);
      if (id === undefined) continue;
      if (!dir) {
        const { NamespaceDirectory } = await import('../peers.js');
        const names = new Map<string, Map<number, string>>();
        const crossings = new Map<string, Map<number, number>>();
        targets.forEach((t, k) => {
          names.set(t.name ?? '', tables[k]!.names());
          crossings.set(t.name ?? '', tables[k]!.crossings());
        });
        dir = new NamespaceDirectory(names, crossings);
      }
      const d = dir;
      const t = targets[i]!;
      const link = table.linkOf(row);
      if (table.kind(row) !== 'veth' || !link || id < 0) continue;
      jobs.push(d.peer(t, id, link, table.ifindex(row)).then((p) => { if (p) peers.set(row, p); }));
    }
    await Promise.all(jobs);
  }

  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    const table = tables[i]!;
    const netnsQ = netnsBytes(t.name);
    const lookup = (k: number): LinkRef | undefined => table.lookup(k);
    for (let row = i === 0 ? early : 0; row < table.end;) {
      const next = table.writeRun(row, out, !arr.started, netnsQ, false, remotes[i]);
      if (next !== row) {
        arr.started = true;
        row = next;
        const w = out.pending();
        if (w) await w;
        continue;
      }
      const l = decodeLinkForPrint(table.ref(row));
      resolveLinkNames(l, lookup);
      let peer = remotes[i]!.get(row);
      if (!peer && l.link_netnsid === undefined) {
        const link = table.linkOf(row);
        const name = link ? table.lookup(link)?.name : undefined;
        if (name && table.kind(row) === 'veth' && !IF_LIKE.test(name)) peer = { peer_ifname: name, peer_netns: t.name };
      }
      const w = out.pending();
      if (w) await w;
      const p = arr.item(printLinkJson(l, t.name, peer));
      if (p) await p;
      row += LinkTable.STRIDE;
    }
  }
  const e = arr.end();
  if (e) await e;
  await out.end();
}

/**
 * The most text held while a dump runs (~50,000 links): past it, the rest is written after the
 * dump as before, so memory stays about what the dump's own datagrams take.
 */
const HOLD_MAX = 32 << 20;

/** Prints the table's plain links from `row` on while its dump runs, as far as they are ready; returns the next row. */
function writeWhileDumping(table: LinkTable, row: number, out: Output, netnsQ: Uint8Array): number {
  for (;;) {
    if (out.heldBytes >= HOLD_MAX) return row;
    const next = table.writeRun(row, out, row === 0, netnsQ, true);
    if (next === row) return row;
    row = next;
  }
}

/** The master's ifindex in t; undefined when t has no such link (--all-netns: nothing to show there). */
async function masterIndex(t: Target, name: string, single: boolean): Promise<number | undefined> {
  const l = await getLinkForPrint(t.sock, /^\d+$/.test(name) ? Number(name) : name);
  if (l) return l.ifindex;
  if (!single) return undefined;
  throw new CliError(`dump-links: --master ${name}: no such link${t.name !== null ? ` in namespace ${t.name}` : ''}`);
}

/** One namespace's links: the raw messages (whole dumps) or decoded links (filtered ones, few). */
interface Shown {
  t: Target;
  msgs?: MessageRef[];
  links?: Link[];
  briefs: LinkBrief[];
  known: Map<number, LinkRef>;
  peers: Map<number, PeerInfo>;
  nsNames: Map<number, string | null | undefined>;
}

function briefOf(l: Link): LinkBrief {
  return {
    index: l.ifindex, name: l.ifname, up: l.flags.includes('UP'), link: l.link_index ?? 0,
    netnsid: l.link_netnsid, kind: l.linkinfo?.info_kind,
  };
}

export async function run(args: ParsedArgs): Promise<number> {
  const json = flag(args, 'json');
  const kind = stringOption(args, 'type');
  const masterName = stringOption(args, 'master');
  const filtered = kind !== undefined || masterName !== undefined;
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

    if (json && !filtered) {
      await wholeJson(targets);
      return 0;
    }

    const shown: Shown[] = [];
    for (const t of targets) {
      const s: Shown = { t, briefs: [], known: new Map(), peers: new Map(), nsNames: new Map() };
      if (filtered) {
        let master: number | undefined;
        if (masterName !== undefined) {
          master = await masterIndex(t, masterName, single);
          if (master === undefined) continue;
        }
        s.links = await retryInterrupted(() => listLinksForPrint(t.sock, { kind, master }));
        s.briefs = s.links.map(briefOf);
      } else {
        s.msgs = await retryInterrupted(() => linkMessages(t.sock));
        s.briefs = s.msgs.map(linkBrief);
      }
      for (const b of s.briefs) s.known.set(b.index, { name: b.name, up: b.up });
      shown.push(s);
    }

    // Veth peers: in the same namespace from IFLA_LINK; in another one through its nsid.
    let dir: import('../peers.js').NamespaceDirectory | undefined;
    if (shown.some((s) => s.briefs.some((b) => b.netnsid !== undefined))) {
      const { NamespaceDirectory } = await import('../peers.js');
      const names = new Map<string, Map<number, string>>();
      const crossings = new Map<string, Map<number, number>>();
      for (const s of shown) {
        names.set(s.t.name ?? '', new Map(s.briefs.map((b) => [b.index, b.name])));
        crossings.set(s.t.name ?? '', new Map(s.briefs.filter((b) => b.netnsid !== undefined).map((b) => [b.index, b.link])));
      }
      dir = new NamespaceDirectory(names, crossings);
      dir.partial = filtered;
    }
    for (const s of shown) {
      const remote: LinkBrief[] = [];
      const byIndex = s.links ? new Map(s.links.map((l) => [l.ifindex, l])) : undefined;
      for (const b of s.briefs) {
        if (b.netnsid !== undefined) {
          if (dir) remote.push(b);
          continue;
        }
        if (b.kind !== 'veth' || !b.link) continue;
        // a filtered listing resolved names outside its filter already (briefs come from links)
        const peer = byIndex ? byIndex.get(b.index)?.link ?? undefined : s.known.get(b.link)?.name;
        if (peer && !/^if\d+$/.test(peer)) s.peers.set(b.index, { peer_ifname: peer, peer_netns: s.t.name });
      }
      // Only links whose peer or lower device is in another namespace need the kernel's help.
      await Promise.all(remote.map(async (b) => {
        const id = b.netnsid!;
        if (!s.nsNames.has(id)) s.nsNames.set(id, await dir!.nsName(s.t, id, b.index, b.link));
        if (b.kind !== 'veth' || !b.link || id < 0) return;
        const p = await dir!.peer(s.t, id, b.link, b.index);
        if (p) s.peers.set(b.index, p);
      }));
    }

    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const s of shown) {
      if (!arr && !single) out.write(`${targetTitle(s.t)}\n`);
      const nsName = (id: number): string | undefined => {
        const n = s.nsNames.get(id);
        return n === null ? '(current)' : n;
      };
      const print = (l: PrintLink): Promise<void> | undefined => {
        const peer = s.peers.get(l.ifindex);
        return arr ? arr.item(printLinkJson(l, s.t.name, peer)) : out.write(linkText(l, peer, nsName));
      };
      if (s.links) {
        for (const l of s.links) {
          const p = print(l);
          if (p) await p;
        }
        continue;
      }
      const lookup = (i: number): LinkRef | undefined => s.known.get(i);
      for (const m of s.msgs!) {
        const l = decodeLinkForPrint(m);
        resolveLinkNames(l, lookup);
        const p = print(l);
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
