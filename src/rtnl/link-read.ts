// Reading links over a NetlinkSocket: list (filtered by the kernel), dump, get, find, the
// ifindex of a name, ifindex -> name maps. Nothing here changes the kernel's state, and nothing
// loads the validation (zod) the changing operations in link-ops.ts need.
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import { NetlinkError, ValidationError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { walkAttributes } from '../netlink/reader.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { stringLimitProblem } from '../netlink/string-limits.js';
import * as C from './constants.js';
import {
  decodeLink, describeLinkAttribute, encodeGetLink, encodeLinkDump, referencedIndexes, resolveLinkNames, type Link, type LinkRef,
} from './link.js';

/** A link named by its name (or altname) or its ifindex. */
export type LinkSelector = string | number;

export interface ListLinksOptions {
  /** Only links of this kind (`ip link show type veth`): IFLA_LINKINFO/IFLA_INFO_KIND in the dump request. */
  kind?: string;
  /** Only ports of this master (`ip link show master br0`): IFLA_MASTER in the dump request. */
  master?: LinkSelector;
  /** Include IFLA_STATS64 (the kernel is asked to skip statistics otherwise). */
  stats?: boolean;
  /** Include SR-IOV VF information (RTEXT_FILTER_VF). */
  vf?: boolean;
  /** Replace master/link indexes by names (default true; see resolveLinkNames). */
  resolveNames?: boolean;
  signal?: AbortSignal;
}

export const linkReq = (operation: string, kind?: string, signal?: AbortSignal): RequestOptions => ({
  operation,
  headerSize: C.IFINFOMSG_LEN,
  describeAttribute: (path) => describeLinkAttribute(path, kind),
  signal,
});

export function isNewLink(m: MessageRef): boolean {
  return m.type === C.RTM_NEWLINK;
}

/** Dump links without resolving names: constant memory, for very many links. */
export async function* dumpLinks(sock: NetlinkSocket, opts: Omit<ListLinksOptions, 'master' | 'resolveNames'> & { master?: number } = {}): AsyncGenerator<Link, void, undefined> {
  const req = encodeLinkDump({ kind: opts.kind, master: opts.master, stats: opts.stats, vf: opts.vf });
  const filtering = opts.kind !== undefined || opts.master !== undefined;
  for await (const batch of sock.dumpBatches(req, linkReq('list links', undefined, opts.signal))) {
    for (const m of batch) {
      if (!isNewLink(m)) continue;
      const link = decodeLink(m, opts);
      // The kernel filters only by kinds it knows (a kind whose module is not loaded is not
      // filtered at all) and then marks replies NLM_F_DUMP_FILTERED; otherwise filter here.
      if (filtering && !(m.flags & NLM_F_DUMP_FILTERED)) {
        if (opts.kind !== undefined && link.linkinfo?.info_kind !== opts.kind) continue;
        if (opts.master !== undefined && link.master_index !== opts.master) continue;
      }
      yield link;
    }
  }
}

/**
 * All links (`ip -d link show`), filtered by the kernel when kind/master are given.
 * Names of masters and peers are resolved like ip does (see resolveLinkNames).
 */
export async function listLinks(sock: NetlinkSocket, opts: ListLinksOptions & ConsistencyOptions = {}): Promise<DumpList<Link>> {
  let master: number | undefined;
  if (opts.master !== undefined) master = await linkIndex(sock, opts.master, `list links: master ${opts.master}`);
  return consistentDump<Link>('list links', opts, async (links) => {
    for await (const l of dumpLinks(sock, { ...opts, master })) links.push(l);
    if (opts.resolveNames ?? true) await resolveNames(sock, links, opts.kind !== undefined || master !== undefined);
  });
}

async function resolveNames(sock: NetlinkSocket, links: Link[], partial: boolean): Promise<void> {
  const known = new Map<number, LinkRef>();
  for (const l of links) known.set(l.ifindex, { name: l.ifname, up: l.flags.includes('UP') });
  const missing = new Set<number>();
  for (const l of links) for (const i of referencedIndexes(l)) if (!known.has(i)) missing.add(i);
  if (missing.size && (partial || links.length < 2)) {
    // A filtered dump or a single get: ask for the few links referred to.
    await Promise.all([...missing].map(async (i) => {
      const l = await findLinkRaw(sock, i);
      if (l) known.set(i, { name: l.ifname, up: l.flags.includes('UP') });
    }));
  }
  for (const l of links) resolveLinkNames(l, (i) => known.get(i));
}

async function findLinkRaw(sock: NetlinkSocket, ref: LinkSelector, opts: { stats?: boolean; vf?: boolean } = {}, operation = `get link ${ref}`): Promise<Link | undefined> {
  try {
    const replies = await sock.request(encodeGetLink(ref, opts), linkReq(operation));
    const m = replies.find(isNewLink);
    return m ? decodeLink(m, opts) : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') return undefined;
    throw err;
  }
}

export function checkSelector(ref: unknown, field: string): asserts ref is LinkSelector {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0 || ref > 0x7fffffff) throw new ValidationError(field, `an ifindex must be a positive integer, got ${ref}`);
    return;
  }
  if (typeof ref !== 'string') throw new ValidationError(field, `expected a link name or ifindex, got ${typeof ref}`);
  // Lookups accept altnames (up to 127 bytes); the other rules are dev_valid_name's.
  if (ref.length === 0) throw new ValidationError(field, 'a link name must not be empty');
  const tooLong = stringLimitProblem('altifname', ref);
  if (tooLong) throw new ValidationError(field, `link name "${ref.slice(0, 20)}..." ${tooLong}`);
  if (/[/:\s]/.test(ref)) throw new ValidationError(field, `link name "${ref}" contains '/', ':' or whitespace`);
}

/**
 * One link by name (or altname) or index, names resolved. NetlinkError ENODEV if there is none.
 * `targetNetnsid`: look in the namespace the socket's namespace knows by that id (what a veth's
 * `link_netnsid` is; Linux 4.20+, CAP_NET_ADMIN over that namespace): a veth's peer without a
 * socket inside the peer's namespace. Names are then not resolved unless asked for (they would
 * be looked up in the socket's namespace).
 */
export async function getLink(
  sock: NetlinkSocket, ref: LinkSelector, opts: { stats?: boolean; vf?: boolean; resolveNames?: boolean; targetNetnsid?: number } = {},
): Promise<Link> {
  checkSelector(ref, 'link');
  const nsid = opts.targetNetnsid;
  if (nsid !== undefined && (!Number.isInteger(nsid) || nsid < 0 || nsid > 0x7fffffff)) {
    throw new ValidationError('targetNetnsid', `a namespace id is an integer from 0 to 2147483647, got ${nsid}`);
  }
  const operation = nsid === undefined ? `get link ${ref}` : `get link ${ref} in namespace id ${nsid}`;
  const replies = await sock.request(encodeGetLink(ref, opts), linkReq(operation));
  const m = replies.find(isNewLink);
  if (!m) throw new NetlinkError({ errno: 19, operation });
  const link = decodeLink(m, opts);
  if (opts.resolveNames ?? nsid === undefined) await resolveNames(sock, [link], true);
  return link;
}

/** Like getLink, but undefined when there is no such link. */
export async function findLink(sock: NetlinkSocket, ref: LinkSelector, opts: { stats?: boolean; resolveNames?: boolean } = {}): Promise<Link | undefined> {
  try {
    return await getLink(sock, ref, opts);
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') return undefined;
    throw err;
  }
}

/**
 * The ifindex of a link (numbers are returned as they are). `operation` names what the
 * lookup is for in the ENODEV error ("create link veth0: master br9").
 */
export async function linkIndex(sock: NetlinkSocket, ref: LinkSelector, operation?: string): Promise<number> {
  if (typeof ref === 'number') return ref;
  checkSelector(ref, 'link');
  const op = operation ?? `get link ${ref}`;
  const replies = await sock.request(encodeGetLink(ref), linkReq(op));
  const m = replies.find(isNewLink);
  if (!m) throw new NetlinkError({ errno: 19, operation: op });
  return m.buf.s32(m.payloadStart + 4);
}

/** Index, type and address length of an existing link (from one RTM_GETLINK). */
export async function linkHardware(sock: NetlinkSocket, ref: LinkSelector, op: string): Promise<{ index: number; type: number; addrLen: number }> {
  const replies = await sock.request(encodeGetLink(ref), linkReq(op));
  const m = replies.find(isNewLink);
  if (!m) throw new NetlinkError({ errno: 19, operation: op });
  const type = m.buf.u16(m.payloadStart + 2);
  // The kernel reports IFLA_ADDRESS exactly dev->addr_len bytes long, and omits it when 0.
  let addrLen = 0;
  walkAttributes(m.buf, m.payloadStart + C.IFINFOMSG_LEN, m.end, (t, _o, l) => { if (t === C.IFLA_ADDRESS) addrLen = l; });
  return { index: m.buf.s32(m.payloadStart + 4), type, addrLen };
}

/**
 * ifindex -> name of every link, from one dump that decodes nothing but the names (for
 * naming the interfaces of addresses, routes and neighbours).
 */
export async function linkNameMap(sock: NetlinkSocket, opts: { signal?: AbortSignal } = {}): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  const req = encodeLinkDump({});
  for await (const batch of sock.dumpBatches(req, linkReq('list link names', undefined, opts.signal))) {
    for (const m of batch) {
      if (!isNewLink(m)) continue;
      const index = m.buf.s32(m.payloadStart + 4);
      walkAttributes(m.buf, m.payloadStart + C.IFINFOMSG_LEN, m.end, (t, o, l) => {
        if (t === C.IFLA_IFNAME) names.set(index, m.buf.attrString(o, l));
      });
    }
  }
  return names;
}
