// Many links at once (a lab's 1,000 veth pairs, `ip -batch` with `link add` lines): every spec
// checked first, names and namespaces resolved once each, then NetlinkSocket.bulk(): the
// create requests leave hundreds per sendmsg() and the kernel answers only failures. Nothing
// is read back (createLink() reads each new link back; here one listLinks() does it for all).
import { withNamespaceFd, type NamespaceRef } from '../netlink/namespace.js';
import { ValidationError } from '../netlink/errors.js';
import { NetlinkSocket } from '../netlink/socket.js';
import { optionsOf, validate } from '../netlink/validate.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { describeLinkAttribute, encodeNewLink, encodeSetLink, type KindData, type LinkAttrs } from './link.js';
import { createAttrs, kindData, linkIndex, type LinkSpec, type VethSpec } from './link-ops.js';

export interface LinkBulkOptions {
  signal?: AbortSignal;
  /** Requests per sendmsg() at most (see NetlinkSocket.bulk). */
  chunk?: number;
}

/** A link of createLinks() that was not created (or, with `step: 'peer up'`, whose peer did not come up). */
export interface LinkBulkFailure {
  index: number;
  spec: LinkSpec;
  step: 'create' | 'peer up';
  error: Error;
}

interface Prepared {
  v: LinkSpec;
  attrs: LinkAttrs;
  kind: KindData;
  peerUp?: { name: string; netns?: NamespaceRef };
}

/**
 * Create many links (`ip link add` each), as createLink() would one by one, without reading
 * them back. Resolves with the ones that failed, in input order (empty when all were made).
 * Bad input anywhere is refused before anything is sent (ValidationError naming
 * `links[3].peer.name`); a master, link or namespace that cannot be found fails its links only.
 */
export async function createLinks(sock: NetlinkSocket, specs: readonly LinkSpec[], opts: LinkBulkOptions = {}): Promise<LinkBulkFailure[]> {
  if (!Array.isArray(specs)) throw new ValidationError('links', 'expected an array of link specs');
  opts = optionsOf(opts);
  const { linkSpecSchema } = await import('./schemas.js');
  const valid = specs.map((spec, i) => validate(linkSpecSchema(spec), spec, `links[${i}]`) as LinkSpec);

  // Namespaces named by the specs are opened once each (a missing one is bad input: it throws
  // here, before any request) and stay open until every request was answered.
  const refs: NamespaceRef[] = [];
  for (const v of valid) {
    if (v.netns !== undefined && !refs.includes(v.netns)) refs.push(v.netns);
    const p = v.kind === 'veth' ? (v as VethSpec).peer : undefined;
    if (p && typeof p === 'object' && p.netns !== undefined && !refs.includes(p.netns)) refs.push(p.netns);
  }
  const fds = new Map<NamespaceRef, number>();
  const openAll = (k: number): Promise<LinkBulkFailure[]> => k === refs.length
    ? run(sock, specs, valid, fds, opts)
    : withNamespaceFd(refs[k]!, fieldOf(valid, refs[k]!), (fd) => {
      fds.set(refs[k]!, fd);
      return openAll(k + 1);
    });
  return openAll(0);
}

/** The field where a namespace ref first appears, for the error that names it: links[3].peer.netns. */
function fieldOf(valid: LinkSpec[], ref: NamespaceRef): string {
  for (let i = 0; i < valid.length; i++) {
    const v = valid[i]!;
    if (v.netns === ref) return `links[${i}].netns`;
    const p = v.kind === 'veth' ? (v as VethSpec).peer : undefined;
    if (p && typeof p === 'object' && p.netns === ref) return `links[${i}].peer.netns`;
  }
  return 'links.netns';
}

async function run(sock: NetlinkSocket, specs: readonly LinkSpec[], valid: LinkSpec[], fds: Map<NamespaceRef, number>, opts: LinkBulkOptions): Promise<LinkBulkFailure[]> {
  const failures: LinkBulkFailure[] = [];
  const fail = (index: number, step: LinkBulkFailure['step'], error: Error): void => { failures.push({ index, spec: specs[index]!, step, error }); };
  // Masters and lower links by name: looked up once per distinct name.
  const indexes = new Map<string | number, number | Error>();
  const lookup = async (ref: string | number, what: string): Promise<number> => {
    let v = indexes.get(ref);
    if (v === undefined) {
      try { v = await linkIndex(sock, ref, what); } catch (err) { v = err as Error; }
      indexes.set(ref, v);
    }
    if (v instanceof Error) throw v;
    return v;
  };
  // Links whose master (or lower link) is made by this same call go in a later wave, after
  // it exists: a bridge and its ports in one call. Waves run one after another.
  const made = new Map<string, number>();
  valid.forEach((v, i) => { if (v.netns === undefined && !made.has(v.name)) made.set(v.name, i); });
  const deps = valid.map((v) => {
    const out: number[] = [];
    for (const ref of [v.master, 'link' in v && v.kind !== 'vxlan' ? v.link : undefined]) {
      const j = typeof ref === 'string' ? made.get(ref) : undefined;
      if (j !== undefined) out.push(j);
    }
    return out;
  });
  const wave = new Array<number>(valid.length).fill(-1);
  const waveOf = (i: number, depth: number): number => {
    if (wave[i]! >= 0) return wave[i]!;
    if (depth > valid.length) return 0; // a cycle: let the kernel refuse it
    let w = 0;
    for (const j of deps[i]!) if (j !== i) w = Math.max(w, waveOf(j, depth + 1) + 1);
    return (wave[i] = w);
  };
  for (let i = 0; i < valid.length; i++) waveOf(i, 0);

  const prepared: Array<Prepared | undefined> = new Array(valid.length);
  const failedCreate = new Set<number>();
  const scratch = new MessageWriter(512);
  const todo: number[] = [];
  for (let wv = 0, left = valid.length; left > 0; wv++) {
    const inWave: number[] = [];
    for (let i = 0; i < valid.length; i++) {
      if (wave[i] !== wv) continue;
      left--;
      const v = valid[i]!;
      const op = `create link ${v.name}`;
      const missing = deps[i]!.find((j) => failedCreate.has(j));
      if (missing !== undefined) {
        failedCreate.add(i);
        fail(i, 'create', new ValidationError(`links[${i}]`, `${op}: ${valid[missing]!.name} (links[${missing}]) was not created`));
        continue;
      }
      try {
        const attrs = createAttrs(v);
        if (v.netns !== undefined) attrs.netnsFd = fds.get(v.netns);
        if (v.master !== undefined) attrs.master = await lookup(v.master, `${op}: master ${v.master}`);
        const vp = v.kind === 'veth' ? (v as VethSpec).peer : undefined;
        const peer = typeof vp === 'string' ? { name: vp } : vp;
        const kind = await kindData(sock, v, peer?.netns !== undefined ? fds.get(peer.netns) : undefined, op);
        if ('link' in v && v.link !== undefined && v.kind !== 'vxlan') attrs.link = await lookup(v.link, `${op}: link ${v.link}`);
        prepared[i] = { v, attrs, kind, peerUp: peer?.up && peer.name !== undefined ? { name: peer.name, netns: peer.netns } : undefined };
        inWave.push(i);
      } catch (err) {
        failedCreate.add(i);
        fail(i, 'create', err as Error);
      }
    }
    const created = await sock.bulk(inWave.length, (k, w) => {
      const p = prepared[inWave[k]!]!;
      w.raw(encodeNewLink(p.attrs, p.kind, scratch.reset()));
    }, {
      describe: (k) => `create link ${prepared[inWave[k]!]!.v.name}`,
      headerSize: C.IFINFOMSG_LEN,
      describeAttribute: (path) => describeLinkAttribute(path),
      chunk: opts.chunk,
      signal: opts.signal,
    });
    for (const f of created) {
      failedCreate.add(inWave[f.index]!);
      fail(inWave[f.index]!, 'create', f.error);
    }
    todo.push(...inWave);
  }

  // Veth peers asked to be up: the kernel cannot open a peer before the pair exists (ENOTCONN
  // in the create request), so they go up afterwards, by name, in the namespace that holds them.
  const byNs = new Map<number | undefined, number[]>();
  for (const i of todo) {
    const p = prepared[i]!;
    if (!p.peerUp || failedCreate.has(i)) continue;
    const fd = p.peerUp.netns !== undefined ? fds.get(p.peerUp.netns) : undefined;
    const list = byNs.get(fd) ?? [];
    list.push(i);
    byNs.set(fd, list);
  }
  for (const [fd, list] of byNs) {
    const ps = fd !== undefined ? new NetlinkSocket({ netns: fd, name: 'rtnl:peers' }) : sock;
    try {
      const up = await ps.bulk(list.length, (k, w) => {
        // ifi_index 0 and IFLA_IFNAME: the kernel finds the link by name.
        w.raw(encodeSetLink(0, { name: prepared[list[k]!]!.peerUp!.name, flags: C.IFF_UP, change: C.IFF_UP }, scratch.reset()));
      }, { describe: (k) => `set link ${prepared[list[k]!]!.peerUp!.name} up (veth peer)`, headerSize: C.IFINFOMSG_LEN, chunk: opts.chunk, signal: opts.signal });
      for (const f of up) fail(list[f.index]!, 'peer up', f.error);
    } finally {
      if (ps !== sock) ps.close();
    }
  }
  failures.sort((a, b) => a.index - b.index);
  return failures;
}
