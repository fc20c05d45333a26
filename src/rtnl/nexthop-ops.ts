// Nexthop object operations over a NetlinkSocket (`ip nexthop add/replace/del/get/show/flush`,
// `ip nexthop bucket show`).
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { showValue } from '../netlink/show-value.js';
import { NetlinkTsError, encodeNamed } from '../netlink/errors.js';
import { parseIP } from '../netlink/address.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import * as C from './constants.js';
import { familyNumber } from './address-ops.js';
import { linkIndex, linkNameMap, type LinkSelector } from './link-read.js';
import {
  NHMSG_LEN, decodeNexthop, decodeNexthopBucket, describeNexthopAttribute, encodeDelNexthop, encodeGetNexthop, encodeGroup,
  encodeNewNexthop, encodeNexthopBucketDump, encodeNexthopDump, type Nexthop, type NexthopBucket, type NexthopMessage, type NexthopWriteMode,
} from './nexthop.js';
import { protocolNumber } from './route.js';
import { protocolOption } from './iproute-names.js';

/** `ip nexthop add id ID { via ADDR dev DEV [onlink] | dev DEV | blackhole | [via ADDR] fdb | group ... }`. */
export interface NexthopObjectSpec {
  /** Default: the kernel picks one (returned by nothing: give ids you want to refer to). */
  id?: number;
  family?: 4 | 6 | 'inet' | 'inet6';
  via?: string;
  dev?: LinkSelector;
  onlink?: boolean;
  blackhole?: boolean;
  /** A nexthop for bridge FDB entries (vxlan remote VTEPs): via only. */
  fdb?: boolean;
  /** Members (ids, optionally with weights 1-256). */
  group?: Array<number | { id: number; weight?: number }>;
  type?: 'mpath' | 'resilient';
  /** Resilient groups: number of buckets and timers in seconds. */
  buckets?: number;
  idle_timer?: number;
  unbalanced_timer?: number;
  protocol?: number | string;
}

export interface ListNexthopsOptions {
  family?: 4 | 6 | 'inet' | 'inet6';
  /** Only nexthops using this device (kernel filter, NHA_OIF). */
  dev?: LinkSelector;
  /** Only nexthops of devices enslaved to this master (NHA_MASTER). */
  master?: LinkSelector;
  /** Only groups (NHA_GROUPS). */
  groups?: boolean;
  /** Only fdb nexthops (NHA_FDB). */
  fdb?: boolean;
  /** Filtered here, as ip does. */
  protocol?: number | string;
  /** Ask for group statistics (NHA_OP_FLAGS dump-stats, kernel 6.10+). */
  stats?: boolean;
  resolveNames?: boolean;
  signal?: AbortSignal;
}

const nhReq = (operation: string, signal?: AbortSignal, noAck?: boolean): RequestOptions => ({
  operation, headerSize: NHMSG_LEN, describeAttribute: describeNexthopAttribute, signal, noAck,
});

async function resolver(sock: NetlinkSocket, on: boolean | undefined, signal?: AbortSignal): Promise<((i: number) => string | undefined) | undefined> {
  if (!(on ?? true)) return undefined;
  const names = await linkNameMap(sock, { signal });
  return (i) => names.get(i);
}

/** `ip nexthop show`. */
export async function listNexthops(sock: NetlinkSocket, opts: ListNexthopsOptions & ConsistencyOptions = {}): Promise<DumpList<Nexthop>> {
  const oif = opts.dev !== undefined ? await linkIndex(sock, opts.dev, `list nexthops: dev ${opts.dev}`) : undefined;
  const master = opts.master !== undefined ? await linkIndex(sock, opts.master, `list nexthops: master ${opts.master}`) : undefined;
  const proto = opts.protocol !== undefined ? protocolOption(opts.protocol, 'listNexthops.protocol') : undefined;
  const req = encodeNexthopDump({ family: familyNumber(opts.family), oif, master, groups: opts.groups, fdb: opts.fdb, stats: opts.stats });
  return consistentDump<Nexthop>('list nexthops', opts, async (out) => {
    const resolve = await resolver(sock, opts.resolveNames, opts.signal);
    for await (const batch of sock.dumpBatches(req.slice(), nhReq('list nexthops', opts.signal))) {
      for (const m of batch) {
        if (m.type !== C.RTM_NEWNEXTHOP) continue;
        if (proto !== undefined && m.buf.u8(m.payloadStart + 2) !== proto) continue;
        out.push(decodeNexthop(m, resolve));
      }
    }
  });
}

/** `ip nexthop get id ID`: ENOENT when there is none. */
export async function getNexthop(sock: NetlinkSocket, id: number, opts: { stats?: boolean; resolveNames?: boolean; signal?: AbortSignal } = {}): Promise<Nexthop> {
  const resolve = await resolver(sock, opts.resolveNames, opts.signal);
  const replies = await sock.request(encodeGetNexthop(id, opts.stats), nhReq(`get nexthop id ${id}`, opts.signal, true));
  const m = replies.find((r) => r.type === C.RTM_NEWNEXTHOP);
  if (!m) throw new NetlinkTsError(`get nexthop id ${id}: the kernel sent no RTM_NEWNEXTHOP`);
  return decodeNexthop(m, resolve);
}

/** `ip nexthop bucket show id ID`: the buckets of a resilient group. */
export async function listNexthopBuckets(sock: NetlinkSocket, id?: number, opts: { signal?: AbortSignal } = {}): Promise<NexthopBucket[]> {
  const out: NexthopBucket[] = [];
  for await (const batch of sock.dumpBatches(encodeNexthopBucketDump(id), nhReq('list nexthop buckets', opts.signal))) {
    for (const m of batch) if (m.type === C.RTM_NEWNEXTHOPBUCKET) out.push(decodeNexthopBucket(m));
  }
  return out;
}

/**
 * The request `ip nexthop add` writes: attributes in the order of ip's argument parser when
 * the arguments are given as id, via, dev, blackhole, group, type (with its resilient
 * arguments), fdb, so requests compare byte for byte.
 */
export function nexthopMessage(v: NexthopObjectSpec, ifindex?: number): NexthopMessage {
  let family = familyNumber(v.family);
  const a: Record<string, unknown> = {};
  if (v.id !== undefined) a.id = v.id;
  if (v.via !== undefined) {
    const gw = parseIP(v.via)!;
    if (family === C.AF_UNSPEC) family = gw.length === 16 ? C.AF_INET6 : C.AF_INET;
    a.gateway = gw;
  }
  if (ifindex !== undefined) { a.oif = ifindex; if (family === C.AF_UNSPEC) family = C.AF_INET; }
  if (v.blackhole) { a.blackhole = true; if (family === C.AF_UNSPEC) family = C.AF_INET; }
  if (v.group) a.group = encodeGroup(v.group.map((m) => (typeof m === 'number' ? { id: m } : m)));
  if (v.type !== undefined) {
    if (v.type === 'resilient' && (v.buckets ?? v.idle_timer ?? v.unbalanced_timer) !== undefined) {
      const rg: Record<string, unknown> = {};
      if (v.buckets !== undefined) rg.buckets = v.buckets;
      if (v.idle_timer !== undefined) rg['idle-timer'] = v.idle_timer * 100;
      if (v.unbalanced_timer !== undefined) rg['unbalanced-timer'] = v.unbalanced_timer * 100;
      a['res-group'] = rg;
    }
    a['group-type'] = v.type;
  }
  if (v.fdb) a.fdb = true;
  const header: NexthopMessage['header'] = { family, flags: v.onlink ? C.RTNH_F_ONLINK : 0 };
  if (v.protocol !== undefined) header.protocol = protocolNumber(v.protocol);
  return { header, attrs: a };
}

async function writeNexthop(sock: NetlinkSocket, spec: NexthopObjectSpec, mode: NexthopWriteMode, signal?: AbortSignal): Promise<void> {
  const s = await import('./schemas-routing.js');
  const v = validate(s.nexthopObjectSchema, spec, 'nexthop') as NexthopObjectSpec;
  const op = `${mode} nexthop${v.id !== undefined ? ` id ${v.id}` : ''}`;
  const ifindex = v.dev !== undefined ? await linkIndex(sock, v.dev, `${op}: dev ${v.dev}`) : undefined;
  const o = nhReq(op, signal);
  await sock.request(encodeNamed(o, () => encodeNewNexthop(nexthopMessage(v, ifindex), mode)), o);
}

/** `ip nexthop add`: EEXIST if the id is taken. */
export function addNexthop(sock: NetlinkSocket, spec: NexthopObjectSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeNexthop(sock, spec, 'add', opts.signal);
}

/** `ip nexthop replace`: creates or changes in place (routes using it follow). */
export function replaceNexthop(sock: NetlinkSocket, spec: NexthopObjectSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeNexthop(sock, spec, 'replace', opts.signal);
}

/** `ip nexthop del id ID`: routes using it go with it. */
export async function deleteNexthop(sock: NetlinkSocket, id: number, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) {
    const { ValidationError } = await import('../netlink/errors.js');
    throw new ValidationError('nexthop.id', `${showValue(id)} is not a nexthop id (1..4294967295)`);
  }
  await sock.request(encodeDelNexthop(id), nhReq(`delete nexthop id ${id}`, opts.signal));
}

/**
 * `ip nexthop flush [dev|master|groups|fdb|protocol]`: deletes what a listing with the same
 * filters returns; with no filter, groups first (as ip), so members are not pulled from under
 * them. Returns how many were deleted.
 */
export async function flushNexthops(sock: NetlinkSocket, opts: ListNexthopsOptions = {}): Promise<number> {
  const all = opts.dev === undefined && opts.master === undefined && !opts.groups && !opts.fdb;
  let n = 0;
  const passes: ListNexthopsOptions[] = all ? [{ ...opts, groups: true }, opts] : [opts];
  for (const p of passes) {
    for (const nh of await listNexthops(sock, { ...p, resolveNames: false })) {
      try {
        await deleteNexthop(sock, nh.id, opts);
        n++;
      } catch (e) {
        // A member deleted with its group, or a nexthop gone meanwhile.
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
    }
  }
  return n;
}
