// Route requests: new/delete (one writer for single and bulk calls), dump with the filters the
// kernel applies itself, get, and attribute names for errors.
import { NLA_F_NESTED, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../netlink/constants.js';
import type { RawAttribute } from '../netlink/reader.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { writeRaw } from './link.js';
import { writeEncap, type EncapSpec } from './route-encap.js';

export interface NexthopAttrs {
  gateway?: Uint8Array;
  /** A gateway of the other family (IPv4 route via an IPv6 gateway): RTA_VIA. */
  viaFamily?: number;
  ifindex?: number;
  weight?: number;
  flags?: number;
  encap?: EncapSpec;
}

/** A fully resolved route request (numbers and bytes). */
export interface RouteAttrs {
  family: number;
  dstLen: number;
  srcLen?: number;
  tos?: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags?: number;
  dst?: Uint8Array;
  src?: Uint8Array;
  gateway?: Uint8Array;
  viaFamily?: number;
  oif?: number;
  iif?: number;
  prefsrc?: Uint8Array;
  priority?: number;
  mark?: number;
  pref?: number;
  expires?: number;
  metrics?: Array<[number, number | string]>;
  metricsLock?: number;
  nexthops?: NexthopAttrs[];
  /** RTA_NH_ID: the route forwards through this nexthop object (`ip route add ... nhid N`). */
  nhid?: number;
  /** lwtunnel encapsulation (RTA_ENCAP + RTA_ENCAP_TYPE). */
  encap?: EncapSpec;
  attributes?: RawAttribute[];
}

function writeRtMsg(w: MessageWriter, a: { family: number; dstLen: number; srcLen?: number; tos?: number; table: number; protocol: number; scope: number; type: number; flags?: number }): void {
  w.u8(a.family).u8(a.dstLen).u8(a.srcLen ?? 0).u8(a.tos ?? 0)
    .u8(a.table < 256 ? a.table : C.RT_TABLE_UNSPEC).u8(a.protocol).u8(a.scope).u8(a.type).u32(a.flags ?? 0);
}

function writeGateway(w: MessageWriter, family: number, gw: Uint8Array, viaFamily?: number): void {
  if (viaFamily !== undefined && viaFamily !== family) {
    const v = new Uint8Array(2 + gw.length);
    new DataView(v.buffer).setUint16(0, viaFamily, true); // rtvia_family: host order, read the same way by the decoder
    v.set(gw, 2);
    w.attrBytes(C.RTA_VIA, v);
  } else {
    w.attrBytes(C.RTA_GATEWAY, gw);
  }
}

function writeRouteBody(w: MessageWriter, a: RouteAttrs): void {
  writeRtMsg(w, a);
  // RTA_TABLE always: it is the only way to say tables above 255, and harmless below.
  w.attrU32(C.RTA_TABLE, a.table);
  if (a.dst) w.attrBytes(C.RTA_DST, a.dst);
  if (a.src) w.attrBytes(C.RTA_SRC, a.src);
  // ip writes the encapsulation right after the destination.
  if (a.encap) writeEncap(w, a.encap);
  if (a.priority !== undefined) w.attrU32(C.RTA_PRIORITY, a.priority);
  if (a.prefsrc) w.attrBytes(C.RTA_PREFSRC, a.prefsrc);
  if (a.gateway) writeGateway(w, a.family, a.gateway, a.viaFamily);
  if (a.oif !== undefined) w.attrU32(C.RTA_OIF, a.oif);
  if (a.nhid !== undefined) w.attrU32(C.RTA_NH_ID, a.nhid);
  if (a.iif !== undefined) w.attrU32(C.RTA_IIF, a.iif);
  if (a.mark !== undefined) w.attrU32(C.RTA_MARK, a.mark);
  if (a.pref !== undefined) w.attrU8(C.RTA_PREF, a.pref);
  if (a.expires !== undefined) w.attrU32(C.RTA_EXPIRES, a.expires);
  if ((a.metrics && a.metrics.length) || a.metricsLock) {
    const mx = w.nestStart(C.RTA_METRICS | NLA_F_NESTED);
    if (a.metricsLock) w.attrU32(C.RTAX_LOCK, a.metricsLock);
    for (const [t, v] of a.metrics ?? []) {
      if (typeof v === 'string') w.attrString(t, v);
      else w.attrU32(t, v);
    }
    w.nestEnd(mx);
  }
  if (a.nexthops && a.nexthops.length) {
    const mp = w.nestStart(C.RTA_MULTIPATH);
    for (const nh of a.nexthops) {
      w.align();
      const start = w.pos;
      // struct rtnexthop, its length patched once the nested attributes are written.
      w.u16(0).u8(nh.flags ?? 0).u8((nh.weight ?? 1) - 1).s32(nh.ifindex ?? 0);
      if (nh.gateway) writeGateway(w, a.family, nh.gateway, nh.viaFamily);
      if (nh.encap) writeEncap(w, nh.encap, 'nexthops.encap');
      w.align();
      patchU16(w, start, w.pos - start);
    }
    w.nestEnd(mp);
  }
  for (const r of a.attributes ?? []) writeRaw(w, r);
}

function patchU16(w: MessageWriter, at: number, v: number): void {
  const bytes = w.bytes();
  bytes[at] = v & 0xff;
  bytes[at + 1] = v >> 8;
}

export type RouteWriteMode = 'add' | 'replace' | 'append' | 'prepend';

/** RTM_NEWROUTE: add (CREATE|EXCL, as `ip route add`), replace (CREATE|REPLACE), append (CREATE|APPEND). */
export function encodeNewRoute(a: RouteAttrs, mode: RouteWriteMode = 'add', w = new MessageWriter(256)): Uint8Array {
  writeNewRoute(w, a, mode);
  return w.copy();
}

/** Append an RTM_NEWROUTE to `w` in place (bulk writers put many in one buffer). */
export function writeNewRoute(w: MessageWriter, a: RouteAttrs, mode: RouteWriteMode = 'add'): void {
  const flags = mode === 'add' ? NLM_F_CREATE | NLM_F_EXCL
    : mode === 'replace' ? NLM_F_CREATE | NLM_F_REPLACE
      : mode === 'append' ? NLM_F_CREATE | 0x800
        : NLM_F_CREATE;
  const start = w.begin(C.RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | flags);
  writeRouteBody(w, a);
  w.end(start);
}

/** RTM_DELROUTE (the kernel deletes the first route matching what is given). */
export function encodeDelRoute(a: RouteAttrs, w = new MessageWriter(256)): Uint8Array {
  writeDelRoute(w, a);
  return w.copy();
}

/** Append an RTM_DELROUTE to `w` in place. */
export function writeDelRoute(w: MessageWriter, a: RouteAttrs): void {
  const start = w.begin(C.RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK);
  writeRouteBody(w, a);
  w.end(start);
}

/** Kernel-side filters of a route dump (strict checking: protocol, type, table, oif). */
export interface RouteDumpFilter {
  family?: number;
  table?: number;
  protocol?: number;
  type?: number;
  oif?: number;
  /** Dump the route cache / exceptions (RTM_F_CLONED) instead of routes. */
  cloned?: boolean;
}

/** RTM_GETROUTE dump. Table 0 = all tables. */
export function encodeRouteDump(f: RouteDumpFilter = {}, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
  const table = f.table ?? 0;
  writeRtMsg(w, {
    family: f.family ?? C.AF_UNSPEC, dstLen: 0, table: table < 256 ? table : 0, protocol: f.protocol ?? 0,
    scope: 0, type: f.type ?? 0, flags: f.cloned ? C.RTM_F_CLONED : 0,
  });
  if (table >= 256) w.attrU32(C.RTA_TABLE, table);
  if (f.oif !== undefined) w.attrU32(C.RTA_OIF, f.oif);
  w.end(start);
  return w.copy();
}

/** RTM_GETROUTE for a lookup (`ip route get`): the kernel answers with the route it would use. */
export function encodeGetRoute(q: { family: number; dst: Uint8Array; src?: Uint8Array; iif?: number; oif?: number; mark?: number; fibmatch?: boolean; table?: number }, w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(C.RTM_GETROUTE, NLM_F_REQUEST);
  const hostLen = q.family === C.AF_INET6 ? 128 : 32;
  writeRtMsg(w, {
    family: q.family, dstLen: hostLen, srcLen: q.src ? hostLen : 0, table: 0, protocol: 0, scope: 0, type: 0,
    flags: q.fibmatch ? C.RTM_F_FIB_MATCH : 0,
  });
  w.attrBytes(C.RTA_DST, q.dst);
  if (q.src) w.attrBytes(C.RTA_SRC, q.src);
  if (q.iif !== undefined) w.attrU32(C.RTA_IIF, q.iif);
  if (q.oif !== undefined) w.attrU32(C.RTA_OIF, q.oif);
  if (q.mark !== undefined) w.attrU32(C.RTA_MARK, q.mark);
  if (q.table !== undefined) w.attrU32(C.RTA_TABLE, q.table);
  w.end(start);
  return w.copy();
}

/** RTA_* (and RTAX_* inside RTA_METRICS) names for errors. */
export function describeRouteAttribute(path: number[]): string | undefined {
  if (!path.length) return undefined;
  const names = [C.constantName('RTA_', path[0]!) ?? `RTA attribute ${path[0]}`];
  if (path[0] === C.RTA_METRICS && path.length > 1) names.push(C.constantName('RTAX_', path[1]!, ['RTAX_FEATURE_']) ?? String(path[1]));
  else names.push(...path.slice(1).map(String));
  return names.join('/');
}

/** RTAX_* number for ip's metric name ("mtu", "advmss", "congestion"...). */
export function metricNumber(name: string): number | undefined {
  for (const [n, nm] of C.RTAX_NAMES) if (nm === name) return n;
  if (name === 'congctl') return C.RTAX_CC_ALGO;
  return undefined;
}
