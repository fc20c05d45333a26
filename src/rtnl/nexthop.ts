// Nexthop objects (RTM_NEWNEXTHOP/DELNEXTHOP/GETNEXTHOP and the resilient groups' buckets):
// struct nhmsg plus NHA_* attributes, decoded and encoded by the generic codec from the
// declaration in spec/nexthop.ts, presented in `ip -j nexthop`'s vocabulary.
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../netlink/constants.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import type { RawAttribute } from '../netlink/reader.js';
import type { Decoded } from '../netlink/spec/types.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { familyName } from './address.js';
import { rtNexthop } from './families/nexthop.js';
import { routeFlagNames } from './route.js';
import type { rtNexthopSpec } from './spec/nexthop.js';

export type NexthopAttrsDecoded = Decoded<typeof rtNexthopSpec, 'nexthop-attrs'>;
export const NHMSG_LEN = 8;
const GRP_LEN = 8;
/** clock_t in the kernel's replies: USER_HZ ticks. */
const USER_HZ = 100;

export interface NexthopGroupMember {
  id: number;
  /** Absent for weight 1, as ip prints it. */
  weight?: number;
}

export interface ResilientArgs {
  buckets: number;
  /** Seconds. */
  idle_timer: number;
  unbalanced_timer: number;
  unbalanced_time: number;
}

/** One nexthop object: ip's keys (`ip -j nexthop show`) plus extras. */
export interface Nexthop {
  /** extra: the message type. */
  msg: 'newnexthop' | 'delnexthop';
  /** extra: "inet", "inet6" or "unspec" (groups). */
  family: string;
  id: number;
  group?: NexthopGroupMember[];
  /** "resilient" (ip leaves out mpath). */
  type?: string;
  resilient_args?: ResilientArgs;
  gateway?: string;
  /** Interface name ("ifN" when no resolver knew it). */
  dev?: string;
  scope: string;
  blackhole?: null;
  protocol: string;
  flags: string[];
  fdb?: null;
  /** extra: NHA_OIF. */
  ifindex?: number;
  /** extra: lwtunnel encapsulation, as it came. */
  encap_type?: number;
  encap?: Uint8Array;
  /** extra: group statistics (asked with stats), per member. */
  group_stats?: Array<{ id: number; packets?: number; packets_hw?: number }>;
  /** extra: the generic codec's attributes, names as in the declaration. */
  attrs: NexthopAttrsDecoded;
  raw?: RawAttribute[];
}

/** One bucket of a resilient group (`ip -j nexthop bucket show`). */
export interface NexthopBucket {
  id: number;
  bucket: { index?: number; idle_time?: number; nhid?: number };
  flags: string[];
}

/** NHA_GROUP: an array of struct nexthop_grp. */
export function decodeGroup(b: Uint8Array): NexthopGroupMember[] {
  if (b.length % GRP_LEN) throw new NetlinkDecodeError(`NHA_GROUP of ${b.length} bytes is not a whole number of nexthop_grp (${GRP_LEN})`, 0);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const out: NexthopGroupMember[] = [];
  for (let o = 0; o < b.length; o += GRP_LEN) {
    const w = v.getUint8(o + 4) | (v.getUint8(o + 5) << 8);
    const m: NexthopGroupMember = { id: v.getUint32(o, true) };
    if (w) m.weight = w + 1;
    out.push(m);
  }
  return out;
}

export function encodeGroup(members: readonly { id: number; weight?: number }[]): Uint8Array {
  const b = new Uint8Array(members.length * GRP_LEN);
  const v = new DataView(b.buffer);
  members.forEach((m, i) => {
    const w = (m.weight ?? 1) - 1;
    v.setUint32(i * GRP_LEN, m.id, true);
    v.setUint8(i * GRP_LEN + 4, w & 0xff);
    v.setUint8(i * GRP_LEN + 5, w >> 8);
  });
  return b;
}

const secs = (ticks: number | bigint | undefined): number => Number(ticks ?? 0) / USER_HZ;

/** Decode one RTM_NEWNEXTHOP/RTM_DELNEXTHOP. */
export function decodeNexthop(m: MessageRef, resolve?: (ifindex: number) => string | undefined): Nexthop {
  const d = rtNexthop.decode(m);
  const h = d.header as { family: number; scope: number; protocol: number; flags: number };
  const a = d.attrs as NexthopAttrsDecoded;
  const n: Partial<Nexthop> = { msg: m.type === C.RTM_DELNEXTHOP ? 'delnexthop' : 'newnexthop', family: familyName(h.family) ?? String(h.family) };
  // ip's order (__print_nexthop_entry in ip/ipnexthop.c).
  n.id = a.id ?? 0;
  if (a.group instanceof Uint8Array) n.group = decodeGroup(a.group);
  if (a['group-type'] !== undefined && a['group-type'] !== 'mpath') n.type = typeof a['group-type'] === 'string' ? a['group-type'] : '<unknown type>';
  const rg = a['res-group'];
  if (rg) {
    n.resilient_args = { buckets: rg.buckets ?? 0, idle_timer: secs(rg['idle-timer']), unbalanced_timer: secs(rg['unbalanced-timer']), unbalanced_time: secs(rg['unbalanced-time']) };
  }
  if (a.gateway !== undefined) n.gateway = String(a.gateway);
  if (a.oif) n.dev = resolve?.(a.oif) ?? `if${a.oif}`;
  n.scope = C.RT_SCOPE_NAMES.get(h.scope) ?? String(h.scope);
  if (a.blackhole) n.blackhole = null;
  n.protocol = C.RTPROT_NAMES.get(h.protocol) ?? String(h.protocol);
  n.flags = routeFlagNames(h.flags);
  if (a.fdb) n.fdb = null;
  if (a.oif) n.ifindex = a.oif;
  if (a['encap-type'] !== undefined) n.encap_type = a['encap-type'];
  if (a.encap instanceof Uint8Array) n.encap = a.encap;
  const gs = a['group-stats']?.entry;
  if (gs) n.group_stats = gs.map((e) => ({ id: e.id ?? 0, packets: e.packets !== undefined ? Number(e.packets) : undefined, packets_hw: e['packets-hw'] !== undefined ? Number(e['packets-hw']) : undefined }));
  n.attrs = a;
  if (a.$raw) n.raw = a.$raw;
  return n as Nexthop;
}

export function decodeNexthopBucket(m: MessageRef): NexthopBucket {
  const d = rtNexthop.decode(m);
  const a = d.attrs as NexthopAttrsDecoded;
  const rb = a['res-bucket'] ?? {};
  const bucket: NexthopBucket['bucket'] = {};
  if (rb.index !== undefined) bucket.index = rb.index;
  if (rb['idle-time'] !== undefined) bucket.idle_time = secs(rb['idle-time']);
  if (rb['nh-id'] !== undefined) bucket.nhid = rb['nh-id'];
  return { id: a.id ?? 0, bucket, flags: routeFlagNames((d.header as { flags: number }).flags) };
}

// ============================================================================================
// Encoding

export interface NexthopMessage {
  header: { family: number; scope?: number; protocol?: number; flags?: number };
  /** Declaration names, in the order they go on the wire. */
  attrs: Record<string, unknown>;
}

export type NexthopWriteMode = 'add' | 'replace';

/** RTM_NEWNEXTHOP: add (CREATE|EXCL) or replace (CREATE|REPLACE), as `ip nexthop add/replace`. */
export function encodeNewNexthop(n: NexthopMessage, mode: NexthopWriteMode = 'add'): Uint8Array {
  return rtNexthop.encode({ op: 'newnexthop', header: n.header, attrs: n.attrs, flags: NLM_F_CREATE | (mode === 'add' ? NLM_F_EXCL : NLM_F_REPLACE) });
}

/** RTM_DELNEXTHOP for one id (family AF_UNSPEC, as ip). */
export function encodeDelNexthop(id: number): Uint8Array {
  return rtNexthop.encode({ op: 'delnexthop', header: { family: C.AF_UNSPEC }, attrs: { id } });
}

/** RTM_GETNEXTHOP for one id; stats asks for group statistics (NHA_OP_FLAG_DUMP_STATS, 6.10+). */
export function encodeGetNexthop(id: number, stats = false): Uint8Array {
  return rtNexthop.encode({ op: 'getnexthop', header: { family: C.AF_UNSPEC }, attrs: stats ? { id, 'op-flags': ['dump-stats'] } : { id }, noAck: true });
}

export interface NexthopDumpFilter {
  family?: number;
  oif?: number;
  groups?: boolean;
  master?: number;
  fdb?: boolean;
  stats?: boolean;
}

/** RTM_GETNEXTHOP dump; the kernel filters by device, master, groups-only and fdb. */
export function encodeNexthopDump(f: NexthopDumpFilter = {}, w = new MessageWriter(64)): Uint8Array {
  const attrs: Record<string, unknown> = {};
  if (f.oif) attrs.oif = f.oif;
  if (f.groups) attrs.groups = true;
  if (f.master) attrs.master = f.master;
  if (f.fdb) attrs.fdb = true;
  if (f.stats) attrs['op-flags'] = ['dump-stats'];
  return rtNexthop.encode({ op: 'getnexthop', mode: 'dump', header: { family: f.family ?? C.AF_UNSPEC }, attrs, noAck: true }, w);
}

/** RTM_GETNEXTHOPBUCKET dump of one group (`ip nexthop bucket show id N`). */
export function encodeNexthopBucketDump(id?: number): Uint8Array {
  return rtNexthop.encode({ op: 'getnexthopbucket', mode: 'dump', header: { family: C.AF_UNSPEC }, attrs: id !== undefined ? { id } : {}, noAck: true });
}

export function describeNexthopAttribute(path: number[]): string | undefined {
  return rtNexthop.describeAttribute('newnexthop', path);
}
