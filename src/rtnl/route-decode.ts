// Decoding RTM_NEWROUTE/DELROUTE. The decoder is the hot path of large dumps (full BGP tables
// are ~1M routes): it walks the attributes with an explicit cursor over the DataView (no
// callback, no per-attribute objects), interns the constant strings (type, protocol, scope,
// table) and allocates only the route object and the strings it carries.
import { NetlinkDecodeError } from '../netlink/errors.js';
import { formatIP, formatIPv6 } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkBuffer, rawAttribute, type RawAttribute } from '../netlink/reader.js';
import { ENCAP_DECLARED, decodeEncap, type RouteEncap } from './route-encap.js';
import * as C from './constants.js';
import { familyName } from './address.js';
import {
  CACHE_FLAGS, NO_FLAGS, NO_RAW, PROTO_NAMES, type Route, type RouteNexthop, SCOPE_NAMES, TYPE_NAMES,
  routeFlagNames, tableName,
} from './route-types.js';

const LE = true;

const DEC: string[] = Array.from({ length: 256 }, (_, i) => String(i));
// "a." for each octet: a dotted quad in three concatenations instead of six (each one a new
// string: the destination of every route of a dump is built this way).
const DOT: string[] = Array.from({ length: 256 }, (_, i) => `${i}.`);
const SLASH: string[] = Array.from({ length: 256 }, (_, i) => `/${i}`);

// The "a.b.c." of the last IPv4 address formatted: a dump lists a table in address order, so
// consecutive destinations mostly share it, and each then costs one concatenation.
let lastPrefixKey = -1;
let lastPrefix = '';

function fmtAddr(b: Uint8Array, o: number, l: number): string {
  if (l === 4) {
    const key = (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
    if (key !== lastPrefixKey) {
      lastPrefix = DOT[b[o]!] + DOT[b[o + 1]!] + DOT[b[o + 2]!];
      lastPrefixKey = key;
    }
    return lastPrefix + DEC[b[o + 3]!];
  }
  return l === 16 ? formatIPv6(b, o) : formatIP(b, o, l);
}

// "ifN" for interfaces no resolver names: shared strings rather than one per route.
const IF_NAMES: string[] = [];
function ifName(i: number): string {
  if (i >= 4096) return `if${i}`;
  return IF_NAMES[i] ??= `if${i}`;
}

/**
 * Strings of addresses that repeat across a dump (gateways, preferred sources): one string
 * per distinct IPv4 address instead of one per route. Pass the same cache to every
 * decodeRoute call of a dump; it is bounded.
 */
export type AddressCache = Map<number, string>;

function fmtCached(view: DataView, b: Uint8Array, o: number, l: number, cache: AddressCache | undefined): string {
  if (l !== 4 || !cache) return fmtAddr(b, o, l);
  const key = view.getUint32(o, false);
  let s = cache.get(key);
  if (s === undefined) {
    s = fmtAddr(b, o, 4);
    if (cache.size >= 65536) cache.clear();
    cache.set(key, s);
  }
  return s;
}

function realm(v: number): string {
  return v === 0 ? 'unknown' : String(v);
}

function flowOf(v: number): { from?: string; to: string } {
  const from = v >>> 16, to = v & 0xffff;
  return from ? { from: realm(from), to: realm(to) } : { to: realm(to) };
}

function viaOf(buf: NetlinkBuffer, o: number, l: number): { family: string; host: string } {
  if (l < 2) throw new NetlinkDecodeError(`RTA_VIA of ${l} bytes`, o);
  const af = buf.view.getUint16(o, LE);
  return { family: familyName(af) ?? String(af), host: fmtAddr(buf.bytes, o + 2, l - 2) };
}

/** Names interfaces for dev/iif (and nexthop dev); without one they read "ifN". */
export type IfNameResolver = (ifindex: number) => string | undefined;

/**
 * Decode one RTM_NEWROUTE/RTM_DELROUTE. Iterative; throws NetlinkDecodeError (with the
 * offset) on a malformed attribute, never reads past the message.
 */
export function decodeRoute(m: MessageRef, resolve?: IfNameResolver, cache?: AddressCache): Route {
  return decodeRouteIn(m.buf, m.type, m.payloadStart, m.end, resolve, cache);
}

/**
 * decodeRoute() straight from bytes: the message whose nlmsghdr is at `msgOff` in `buf` (as
 * in a MessageChunk of NetlinkSocket.dumpDatagrams()), no MessageRef needed. The header's
 * length must have been checked against the buffer (the socket does; else use decodeRoute).
 */
export function decodeRouteAt(buf: NetlinkBuffer, msgOff: number, resolve?: IfNameResolver, cache?: AddressCache): Route {
  const view = buf.view;
  return decodeRouteIn(buf, view.getUint16(msgOff + 4, LE), msgOff + 16, msgOff + view.getUint32(msgOff, LE), resolve, cache);
}

function decodeRouteIn(buf: NetlinkBuffer, msgType: number, off: number, end: number, resolve?: IfNameResolver, cache?: AddressCache): Route {
  if (end - off < C.RTMSG_LEN) throw new NetlinkDecodeError(`rtmsg needs ${C.RTMSG_LEN} bytes, ${end - off} remain`, off);
  return plainRoute(buf, msgType, off, end, resolve, cache) ?? decodeRouteGeneral(buf, msgType, off, end, resolve, cache);
}

/**
 * The fast path, for the routes that fill big tables (IPv4/IPv6, a destination, an output
 * device, maybe a metric and a gateway, nothing else): attributes read into locals, then the
 * Route made by one object literal with its final keys (V8 gives such an object all its
 * fields in place; keys added later grow a separate property store per route). The keys come
 * in the order decodeRouteGeneral gives them. Undefined for anything else, malformed included
 * (the general path reports it). Small and with literal RTA_* numbers, so that it runs fast
 * from its first calls: a dump's first thousands of routes go through the interpreter.
 */
function plainRoute(buf: NetlinkBuffer, msgType: number, off: number, end: number, resolve?: IfNameResolver, cache?: AddressCache): Route | undefined {
  const b = buf.bytes;
  const view = buf.view;
  const family = b[off]!;
  if ((family !== 2 /* AF_INET */ && family !== 10 /* AF_INET6 */) || b[off + 3] !== 0 /* tos */) return undefined;
  const rflags = view.getUint32(off + 8, true);
  if (rflags & 512 /* RTM_F_CLONED */) return undefined;
  let table = b[off + 4]!;
  let dstOff = -1, dstL = 0, oif = -1, metric = -1, gwOff = -1, gwL = 0;
  let pos = off + 12; // RTMSG_LEN
  while (end - pos >= 4) {
    const len = view.getUint16(pos, true);
    if (len < 4 || len > end - pos) return undefined;
    const l = len - 4;
    switch (view.getUint16(pos + 2, true) & 0x3fff) {
      case 1 /* RTA_DST */: dstOff = pos + 4; dstL = l; break;
      case 4 /* RTA_OIF */: if (l < 4) return undefined; oif = view.getUint32(pos + 4, true); break;
      case 15 /* RTA_TABLE */: if (l < 4) return undefined; table = view.getUint32(pos + 4, true); break;
      case 6 /* RTA_PRIORITY */: if (l < 4 || gwOff >= 0) return undefined; metric = view.getUint32(pos + 4, true); break;
      case 5 /* RTA_GATEWAY */: gwOff = pos + 4; gwL = l; break;
      default: return undefined;
    }
    pos += (len + 3) & ~3;
  }
  const dstLen = b[off + 1]!;
  if (pos !== end || oif < 0 || (dstOff < 0 && b[off + 2] !== 0 /* src_len */)) return undefined;
  const hostLen = family === 2 ? 32 : 128;
  const dst = dstOff >= 0
    ? (dstLen !== hostLen ? fmtAddr(b, dstOff, dstL) + SLASH[dstLen] : fmtAddr(b, dstOff, dstL))
    : dstLen ? `0/${dstLen}` : 'default';
  const msg = msgType === 25 /* RTM_DELROUTE */ ? 'delroute' : 'newroute';
  const fam = family === 2 ? 'inet' : 'inet6';
  const type = TYPE_NAMES[b[off + 7]!]!;
  const tname = tableName(table);
  const flags = routeFlagNames(rflags);
  const dev = resolve?.(oif) ?? ifName(oif);
  const protocol = PROTO_NAMES[b[off + 5]!]!;
  const scope = SCOPE_NAMES[b[off + 6]!]!;
  if (gwOff < 0) {
    if (metric < 0) {
      return {
        msg, family: fam, type, dst, dst_len: dstLen, table: tname, table_id: table, flags, raw: NO_RAW,
        oif_index: oif, dev, protocol, scope,
      };
    }
    return {
      msg, family: fam, type, dst, dst_len: dstLen, table: tname, table_id: table, flags, raw: NO_RAW,
      metric, oif_index: oif, dev, protocol, scope,
    };
  }
  const gateway = fmtCached(view, b, gwOff, gwL, cache);
  if (metric < 0) {
    return {
      msg, family: fam, type, dst, dst_len: dstLen, table: tname, table_id: table, flags, raw: NO_RAW,
      gateway, oif_index: oif, dev, protocol, scope,
    };
  }
  return {
    msg, family: fam, type, dst, dst_len: dstLen, table: tname, table_id: table, flags, raw: NO_RAW,
    metric, gateway, oif_index: oif, dev, protocol, scope,
  };
}

function decodeRouteGeneral(buf: NetlinkBuffer, msgType: number, off: number, end: number, resolve?: IfNameResolver, cache?: AddressCache): Route {
  const b = buf.bytes;
  const view = buf.view;
  const family = b[off]!;
  const dstLen = b[off + 1]!;
  const srcLen = b[off + 2]!;
  const tos = b[off + 3]!;
  let table = b[off + 4]!;
  const protocol = b[off + 5]!;
  const scope = b[off + 6]!;
  const type = b[off + 7]!;
  const rflags = view.getUint32(off + 8, LE);
  const hostLen = family === C.AF_INET6 ? 128 : family === C.AF_INET ? 32 : -1;

  const r: Route = {
    msg: msgType === C.RTM_DELROUTE ? 'delroute' : 'newroute',
    family: family === C.AF_INET ? 'inet' : family === C.AF_INET6 ? 'inet6' : familyName(family) ?? String(family),
    type: TYPE_NAMES[type]!,
    dst: '',
    dst_len: dstLen,
    table: '',
    table_id: 0,
    flags: NO_FLAGS,
    raw: NO_RAW,
  };
  let dstOff = -1, dstL = 0, oif = -1, mpOff = -1, mpLen = 0, mxOff = -1, mxLen = 0, ciOff = -1;

  let pos = off + C.RTMSG_LEN;
  while (end - pos >= 4) {
    const len = view.getUint16(pos, LE);
    const rawType = view.getUint16(pos + 2, LE);
    if (len < 4) throw new NetlinkDecodeError(`attribute length ${len} is below the 4-byte header`, pos);
    if (len > end - pos) throw new NetlinkDecodeError(`attribute type ${rawType & 0x3fff} claims ${len} bytes, only ${end - pos} remain`, pos);
    const o = pos + 4, l = len - 4;
    switch (rawType & 0x3fff) {
      case C.RTA_DST: dstOff = o; dstL = l; break;
      case C.RTA_SRC: r.from = srcLen !== hostLen ? fmtAddr(b, o, l) + SLASH[srcLen] : fmtAddr(b, o, l); break;
      case C.RTA_GATEWAY: r.gateway = fmtCached(view, b, o, l, cache); break;
      case C.RTA_OIF: if (l < 4) throw new NetlinkDecodeError('RTA_OIF is short', o); oif = view.getUint32(o, LE); break;
      case C.RTA_PRIORITY: if (l < 4) throw new NetlinkDecodeError('RTA_PRIORITY is short', o); r.metric = view.getUint32(o, LE); break;
      case C.RTA_PREFSRC: r.prefsrc = fmtCached(view, b, o, l, cache); break;
      case C.RTA_TABLE: if (l < 4) throw new NetlinkDecodeError('RTA_TABLE is short', o); table = view.getUint32(o, LE); break;
      case C.RTA_METRICS: mxOff = o; mxLen = l; break;
      case C.RTA_MULTIPATH: mpOff = o; mpLen = l; break;
      case C.RTA_CACHEINFO: if (l < 32) throw new NetlinkDecodeError(`RTA_CACHEINFO of ${l} bytes, needs 32`, o); ciOff = o; break;
      case C.RTA_PREF: {
        const p = buf.attrU8(o, l);
        r.pref = p === C.ICMPV6_ROUTER_PREF_LOW ? 'low' : p === C.ICMPV6_ROUTER_PREF_MEDIUM ? 'medium' : p === C.ICMPV6_ROUTER_PREF_HIGH ? 'high' : p;
        break;
      }
      case C.RTA_IIF: {
        const i = buf.attrU32(o, l);
        r.iif = resolve?.(i) ?? ifName(i);
        break;
      }
      case C.RTA_MARK: { const v = buf.attrU32(o, l); if (v) r.mark = v; break; }
      case C.RTA_FLOW: r.flow = flowOf(buf.attrU32(o, l)); break;
      case C.RTA_UID: r.uid = buf.attrU32(o, l); break;
      case C.RTA_NH_ID: r.nhid = buf.attrU32(o, l); break;
      case C.RTA_VIA: r.via = viaOf(buf, o, l); break;
      case C.RTA_NEWDST: r.to = fmtAddr(b, o, l); break;
      case C.RTA_TTL_PROPAGATE: r['ttl-propogate'] = buf.attrU8(o, l) !== 0; break;
      default:
        if (r.raw === NO_RAW) r.raw = [];
        r.raw.push(rawAttribute(buf, rawType & 0x3fff, o, l, rawType));
    }
    pos += (len + 3) & ~3;
  }
  for (; pos < end; pos++) if (b[pos] !== 0) throw new NetlinkDecodeError(`${end - pos} trailing bytes after the last attribute`, pos);

  if (dstOff >= 0) r.dst = dstLen !== hostLen ? fmtAddr(b, dstOff, dstL) + SLASH[dstLen] : fmtAddr(b, dstOff, dstL);
  else r.dst = dstLen ? `0/${dstLen}` : 'default';
  if (dstOff < 0 && srcLen && r.from === undefined) r.src = `0/${srcLen}`;
  if (tos) r.tos = `0x${tos.toString(16).padStart(2, '0')}`;
  if (oif >= 0) {
    r.oif_index = oif;
    r.dev = resolve?.(oif) ?? ifName(oif);
  }
  r.table_id = table;
  r.table = tableName(table);
  if (!(rflags & C.RTM_F_CLONED)) {
    r.protocol = PROTO_NAMES[protocol]!;
    r.scope = SCOPE_NAMES[scope]!;
  }
  r.flags = routeFlagNames(rflags);
  if (family === C.AF_INET && rflags & C.RTM_F_CLONED) {
    const cache: string[] = [];
    let cf = rflags & ~0xffff;
    for (const [bit, name] of CACHE_FLAGS) if (cf & bit) { cache.push(name); cf &= ~bit; }
    r.cache = cache;
  }
  if (ciOff >= 0 && (family === C.AF_INET || family === C.AF_INET6)) decodeCacheInfo(buf, ciOff, r);
  if (mxOff >= 0) decodeMetrics(buf, mxOff, mxLen, r);
  if (mpOff >= 0) r.nexthops = decodeMultipath(buf, mpOff, mpLen, hostLen, resolve, cache);
  if (r.raw !== NO_RAW) {
    const e = encapOf(r.raw);
    if (e) r.encap = e;
  }
  return r;
}

/**
 * The encapsulation of RTA_ENCAP_TYPE + RTA_ENCAP (route-encap.ts), a view: the two attributes
 * stay in `raw` as well, so a decoded route re-encodes to the same bytes. A type without a
 * declared set, or a payload its set cannot read, gives no view (the bytes are in raw).
 */
function encapOf(raw: readonly RawAttribute[]): RouteEncap | undefined {
  const t = raw.find((x) => x.type === C.RTA_ENCAP_TYPE);
  const e = raw.find((x) => x.type === C.RTA_ENCAP);
  if (!t || !e || t.data.length < 2) return undefined;
  const type = t.data[0]! | (t.data[1]! << 8);
  if (!ENCAP_DECLARED.has(type)) return undefined;
  try {
    return decodeEncap(type, new NetlinkBuffer(e.data), 0, e.data.length);
  } catch (err) {
    if (err instanceof NetlinkDecodeError) return undefined;
    throw err;
  }
}

function decodeCacheInfo(buf: NetlinkBuffer, o: number, r: Route): void {
  const v = buf.view;
  // struct rta_cacheinfo: clntref, lastuse, expires (s32, clock ticks), error, used, id, ts, tsage.
  const expires = v.getInt32(o + 8, LE);
  const error = v.getUint32(o + 12, LE);
  const id = v.getUint32(o + 20, LE);
  const ts = v.getUint32(o + 24, LE);
  const tsage = v.getUint32(o + 28, LE);
  // USER_HZ is 100 on Linux; ip divides by sysconf(_SC_CLK_TCK) with C's truncating division.
  if (expires !== 0) r.expires = Math.trunc(expires / 100);
  if (error !== 0) r.error = error;
  if (id) r.ipid = `0x${id.toString(16).padStart(4, '0')}`;
  if (ts || tsage) {
    r.ts = ts ? `0x${ts.toString(16)}` : '0';
    r.tsage = tsage;
  }
}

function decodeMetrics(buf: NetlinkBuffer, off: number, len: number, r: Route): void {
  const view = buf.view;
  const end = off + len;
  const vals: Array<number | string | undefined> = [];
  let lock = 0;
  let pos = off;
  while (end - pos >= 4) {
    const alen = view.getUint16(pos, LE);
    const t = view.getUint16(pos + 2, LE) & 0x3fff;
    if (alen < 4 || alen > end - pos) throw new NetlinkDecodeError(`RTA_METRICS attribute length ${alen}`, pos);
    const o = pos + 4, l = alen - 4;
    if (t === C.RTAX_LOCK) lock = buf.attrU32(o, l);
    else if (t === C.RTAX_CC_ALGO) vals[t] = buf.attrString(o, l);
    else if (t <= 31) vals[t] = buf.attrU32(o, l);
    pos += (alen + 3) & ~3;
  }
  const mx: Record<string, number | string | null> = {};
  let any = false;
  for (let i = 2; i < Math.max(vals.length, 32); i++) {
    const v = vals[i];
    if (v === undefined && !(lock & (1 << i))) continue;
    if (i > C.RTAX_FASTOPEN_NO_COOKIE && v === undefined) continue;
    const name = C.RTAX_NAMES.get(i) ?? `metric_${i}`;
    if (i === C.RTAX_CC_ALGO) { mx.congestion = (v as string | undefined) ?? ''; any = true; continue; }
    let n = (v as number | undefined) ?? 0;
    if (i === C.RTAX_HOPLIMIT && n === 0xffffffff) continue;
    if (i === C.RTAX_FEATURES) {
      if (n & C.RTAX_FEATURE_ECN) mx.ecn = null;
      if (n & ~C.RTAX_FEATURE_ECN) mx.features = `0x${n.toString(16)}`;
      any = true;
      continue;
    }
    if (i === C.RTAX_RTT) n = Math.floor(n / 8);
    else if (i === C.RTAX_RTTVAR) n = Math.floor(n / 4);
    mx[name] = n;
    any = true;
  }
  if (any) r.metrics = [mx];
  if (lock) {
    const locked: string[] = [];
    for (let i = 0; i < 32; i++) if (lock & (1 << i)) locked.push(C.RTAX_NAMES.get(i) ?? `metric_${i}`);
    r.metrics_lock = locked;
  }
}

function decodeMultipath(buf: NetlinkBuffer, off: number, len: number, hostLen: number, resolve?: IfNameResolver, cache?: AddressCache): RouteNexthop[] {
  void hostLen;
  const view = buf.view;
  const b = buf.bytes;
  const out: RouteNexthop[] = [];
  const end = off + len;
  let pos = off;
  while (end - pos >= C.RTNEXTHOP_LEN) {
    const nlen = view.getUint16(pos, LE);
    if (nlen < C.RTNEXTHOP_LEN || nlen > end - pos) throw new NetlinkDecodeError(`rtnexthop length ${nlen}`, pos);
    const nflags = b[pos + 2]!;
    const hops = b[pos + 3]!;
    const ifindex = view.getInt32(pos + 4, LE);
    const nh: RouteNexthop = {
      dev: resolve?.(ifindex) ?? `if${ifindex}`,
      oif_index: ifindex,
      weight: hops + 1,
      flags: routeFlagNames(nflags),
    };
    let a = pos + C.RTNEXTHOP_LEN;
    const nend = pos + nlen;
    while (nend - a >= 4) {
      const alen = view.getUint16(a, LE);
      const rt = view.getUint16(a + 2, LE);
      if (alen < 4 || alen > nend - a) throw new NetlinkDecodeError(`nexthop attribute length ${alen}`, a);
      const o = a + 4, l = alen - 4;
      switch (rt & 0x3fff) {
        case C.RTA_GATEWAY: nh.gateway = fmtCached(view, b, o, l, cache); break;
        case C.RTA_VIA: nh.via = viaOf(buf, o, l); break;
        case C.RTA_FLOW: nh.flow = flowOf(buf.attrU32(o, l)); break;
        case C.RTA_NEWDST: nh.to = fmtAddr(b, o, l); break;
        default: (nh.raw ??= []).push(rawAttribute(buf, rt & 0x3fff, o, l, rt));
      }
      a += (alen + 3) & ~3;
    }
    if (nh.raw) {
      const e = encapOf(nh.raw);
      if (e) nh.encap = e;
    }
    // ip prints gateway/via before dev; keep that key order for readable JSON.
    out.push(nh.gateway !== undefined || nh.via !== undefined ? reorderNexthop(nh) : nh);
    pos += (nlen + 3) & ~3;
  }
  return out;
}

function reorderNexthop(nh: RouteNexthop): RouteNexthop {
  const { gateway, via, to, flow, ...rest } = nh;
  const out: Partial<RouteNexthop> = {};
  if (to !== undefined) out.to = to;
  if (gateway !== undefined) out.gateway = gateway;
  if (via !== undefined) out.via = via;
  if (flow !== undefined) out.flow = flow;
  return Object.assign(out, rest) as RouteNexthop;
}
