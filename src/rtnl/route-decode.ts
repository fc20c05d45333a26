// Decoding RTM_NEWROUTE/DELROUTE on the declared rt-route family (spec/rt-route.gen.ts): the
// rtmsg header is read at the offsets its declaration gives, the attributes are found by one
// index pass compiled from the route-attrs set (lengths checked as declared; what the route
// does not present stays raw, in wire order), and the Route is then built here, as `ip`
// presents it. It is the hot path of large dumps (full BGP tables are ~1M routes), so there is
// no intermediate object: the index is reused, the constant strings (type, protocol, scope,
// table) are interned and repeated addresses shared (route-strings.ts), and a plain route
// (destination, device, maybe metric and gateway) is made by one object literal with its
// final keys (V8 then gives it all its fields in place).
import { NetlinkDecodeError, ValidationError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import type { AttrIndex, AttrIndexer } from '../netlink/spec/attr-index.js';
import type { CompiledStruct } from '../netlink/spec/values.js';
import * as C from './constants.js';
import { familyName } from './address.js';
import { rtRoute } from './families.js';
import {
  CACHE_FLAGS, NO_FLAGS, NO_RAW, PROTO_NAMES, type Route, SCOPE_NAMES, TYPE_NAMES, routeFlagNames, tableName,
} from './route-types.js';
import { type AddressCache, SLASH, flowOf, fmtAddr, fmtCached, ifName, viaOf } from './route-strings.js';
import { type IfNameResolver, decodeMetrics, decodeMultipath, encapOf } from './route-nested.js';

export type { AddressCache } from './route-strings.js';
export type { IfNameResolver } from './route-nested.js';

const LE = true;

/** The route-attrs attributes a Route presents; the others (encap, expires, ports...) stay raw. */
const PRESENTED = [
  'rta-dst', 'rta-src', 'rta-iif', 'rta-oif', 'rta-gateway', 'rta-priority', 'rta-prefsrc', 'rta-metrics',
  'rta-multipath', 'rta-flow', 'rta-cacheinfo', 'rta-table', 'rta-mark', 'rta-via', 'rta-newdst', 'rta-pref',
  'rta-uid', 'rta-ttl-propagate', 'rta-nh-id',
] as const;

/**
 * The decoder, made from the declaration on first use (not at import: most programs that load
 * the library decode no route). Attribute numbers and header offsets are the table's; the
 * closure holds them as constants.
 */
function makeDecoder(): (buf: NetlinkBuffer, msgType: number, off: number, end: number, resolve?: IfNameResolver, cache?: AddressCache) => Route {
  const H = rtRoute.offsets('rtmsg');
  const HDR = rtRoute.struct('rtmsg').size;
  const ci: CompiledStruct = rtRoute.struct('rta-cacheinfo');
  const indexer: AttrIndexer = rtRoute.indexer('route-attrs', PRESENTED, { minLen: { 'rta-cacheinfo': ci.size } });
  const x: AttrIndex = indexer.create();
  const T = indexer.types;
  const F_FAMILY = H['rtm-family']!, F_DST_LEN = H['rtm-dst-len']!, F_SRC_LEN = H['rtm-src-len']!, F_TOS = H['rtm-tos']!;
  const F_TABLE = H['rtm-table']!, F_PROTOCOL = H['rtm-protocol']!, F_SCOPE = H['rtm-scope']!, F_TYPE = H['rtm-type']!;
  const F_FLAGS = H['rtm-flags']!;
  const A_DST = T['rta-dst']!, A_SRC = T['rta-src']!, A_IIF = T['rta-iif']!, A_OIF = T['rta-oif']!;
  const A_GATEWAY = T['rta-gateway']!, A_PRIORITY = T['rta-priority']!, A_PREFSRC = T['rta-prefsrc']!;
  const A_METRICS = T['rta-metrics']!, A_MULTIPATH = T['rta-multipath']!, A_FLOW = T['rta-flow']!;
  const A_CACHEINFO = T['rta-cacheinfo']!, A_TABLE = T['rta-table']!, A_MARK = T['rta-mark']!, A_VIA = T['rta-via']!;
  const A_NEWDST = T['rta-newdst']!, A_PREF = T['rta-pref']!, A_UID = T['rta-uid']!, A_TTL = T['rta-ttl-propagate']!;
  const A_NH_ID = T['rta-nh-id']!;
  const bit = (t: number): number => (1 << t) >>> 0;
  // The presence tests below read one 32-bit word of the mask.
  if (Object.values(T).some((t) => t > 31)) throw new ValidationError('spec', 'route-attrs: a presented attribute numbered above 31');
  const B_DST = bit(A_DST), B_OIF = bit(A_OIF), B_GATEWAY = bit(A_GATEWAY), B_PRIORITY = bit(A_PRIORITY), B_TABLE = bit(A_TABLE);
  const B_SRC = bit(A_SRC), B_PREFSRC = bit(A_PREFSRC), B_NH_ID = bit(A_NH_ID), B_VIA = bit(A_VIA), B_NEWDST = bit(A_NEWDST);
  const B_FLOW = bit(A_FLOW), B_PREF = bit(A_PREF), B_MARK = bit(A_MARK), B_UID = bit(A_UID), B_TTL = bit(A_TTL);
  const B_IIF = bit(A_IIF), B_CACHEINFO = bit(A_CACHEINFO), B_METRICS = bit(A_METRICS), B_MULTIPATH = bit(A_MULTIPATH);
  // A plain route: these attributes at most, and an output device.
  const PLAIN = B_DST | B_OIF | B_GATEWAY | B_PRIORITY | B_TABLE;

  return function decodeRouteIn(buf, msgType, off, end, resolve, cache) {
    if (end - off < HDR) throw new NetlinkDecodeError(`rtmsg needs ${HDR} bytes, ${end - off} remain`, off);
    indexer.index(buf, off + HDR, end, x);
    const p = x.present[0]!;
    const xo = x.off, xl = x.len;
    const b = buf.bytes;
    const view = buf.view;
    const family = b[off + F_FAMILY]!;
    const dstLen = b[off + F_DST_LEN]!;
    const srcLen = b[off + F_SRC_LEN]!;
    const tos = b[off + F_TOS]!;
    const rflags = view.getUint32(off + F_FLAGS, LE);
    const table = p & B_TABLE ? view.getUint32(xo[A_TABLE]!, LE) : b[off + F_TABLE]!;
    const hostLen = family === C.AF_INET6 ? 128 : family === C.AF_INET ? 32 : -1;
    const msg = msgType === C.RTM_DELROUTE ? 'delroute' : 'newroute';
    let dst: string;
    if (p & B_DST) {
      const o = xo[A_DST]!, l = xl[A_DST]!;
      dst = dstLen !== hostLen ? fmtAddr(b, o, l) + SLASH[dstLen] : fmtAddr(b, o, l);
    } else {
      dst = dstLen ? `0/${dstLen}` : 'default';
    }

    if ((p & ~PLAIN) === 0 && p & B_OIF && x.raw === undefined && hostLen > 0 && tos === 0 && !(rflags & C.RTM_F_CLONED)
      && (p & B_DST || srcLen === 0)) {
      // The fast path: the keys in the order the general path gives them.
      const oif = view.getUint32(xo[A_OIF]!, LE);
      const metric = p & B_PRIORITY ? view.getUint32(xo[A_PRIORITY]!, LE) : -1;
      const gateway = p & B_GATEWAY ? fmtCached(view, b, xo[A_GATEWAY]!, xl[A_GATEWAY]!, cache) : undefined;
      const fam = family === C.AF_INET ? 'inet' : 'inet6';
      const type = TYPE_NAMES[b[off + F_TYPE]!]!;
      const tname = tableName(table);
      const flags = routeFlagNames(rflags);
      const dev = resolve?.(oif) ?? ifName(oif);
      const protocol = PROTO_NAMES[b[off + F_PROTOCOL]!]!;
      const scope = SCOPE_NAMES[b[off + F_SCOPE]!]!;
      if (gateway === undefined) {
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

    // Everything else. The values are read out of the index before anything is called back
    // (a resolver, the encap decoder), since the index is reused by the next decode.
    const r: Route = {
      msg,
      family: family === C.AF_INET ? 'inet' : family === C.AF_INET6 ? 'inet6' : familyName(family) ?? String(family),
      type: TYPE_NAMES[b[off + F_TYPE]!]!,
      dst,
      dst_len: dstLen,
      table: tableName(table),
      table_id: table,
      flags: routeFlagNames(rflags),
      raw: x.raw ?? NO_RAW,
    };
    const u32 = (t: number): number => view.getUint32(xo[t]!, LE);
    if (p & B_SRC) {
      const o = xo[A_SRC]!, l = xl[A_SRC]!;
      r.from = srcLen !== hostLen ? fmtAddr(b, o, l) + SLASH[srcLen] : fmtAddr(b, o, l);
    }
    if (p & B_PRIORITY) r.metric = u32(A_PRIORITY);
    if (p & B_PREFSRC) r.prefsrc = fmtCached(view, b, xo[A_PREFSRC]!, xl[A_PREFSRC]!, cache);
    if (p & B_NH_ID) r.nhid = u32(A_NH_ID);
    if (p & B_GATEWAY) r.gateway = fmtCached(view, b, xo[A_GATEWAY]!, xl[A_GATEWAY]!, cache);
    if (p & B_VIA) r.via = viaOf(buf, xo[A_VIA]!, xl[A_VIA]!);
    if (p & B_NEWDST) r.to = fmtAddr(b, xo[A_NEWDST]!, xl[A_NEWDST]!);
    if (p & B_FLOW) r.flow = flowOf(u32(A_FLOW));
    if (p & B_PREF) {
      const v = b[xo[A_PREF]!]!;
      r.pref = v === C.ICMPV6_ROUTER_PREF_LOW ? 'low' : v === C.ICMPV6_ROUTER_PREF_MEDIUM ? 'medium' : v === C.ICMPV6_ROUTER_PREF_HIGH ? 'high' : v;
    }
    if (p & B_MARK) { const v = u32(A_MARK); if (v) r.mark = v; }
    if (p & B_UID) r.uid = u32(A_UID);
    if (p & B_TTL) r['ttl-propogate'] = b[xo[A_TTL]!] !== 0;
    const iif = p & B_IIF ? u32(A_IIF) : -1;
    const oif = p & B_OIF ? u32(A_OIF) : -1;
    const ciOff = p & B_CACHEINFO ? xo[A_CACHEINFO]! : -1;
    const mxOff = p & B_METRICS ? xo[A_METRICS]! : -1, mxLen = xl[A_METRICS]!;
    const mpOff = p & B_MULTIPATH ? xo[A_MULTIPATH]! : -1, mpLen = xl[A_MULTIPATH]!;

    if (iif >= 0) r.iif = resolve?.(iif) ?? ifName(iif);
    if ((p & B_DST) === 0 && srcLen && r.from === undefined) r.src = `0/${srcLen}`;
    if (tos) r.tos = `0x${tos.toString(16).padStart(2, '0')}`;
    if (oif >= 0) {
      r.oif_index = oif;
      r.dev = resolve?.(oif) ?? ifName(oif);
    }
    if (!(rflags & C.RTM_F_CLONED)) {
      r.protocol = PROTO_NAMES[b[off + F_PROTOCOL]!]!;
      r.scope = SCOPE_NAMES[b[off + F_SCOPE]!]!;
    }
    if (family === C.AF_INET && rflags & C.RTM_F_CLONED) {
      const flags: string[] = [];
      let cf = rflags & ~0xffff;
      for (const [bit, name] of CACHE_FLAGS) if (cf & bit) { flags.push(name); cf &= ~bit; }
      r.cache = flags;
    }
    if (ciOff >= 0 && (family === C.AF_INET || family === C.AF_INET6)) cacheInfo(ci.decode(buf, ciOff, ci.size), r);
    if (mxOff >= 0) decodeMetrics(buf, mxOff, mxLen, r);
    if (mpOff >= 0) r.nexthops = decodeMultipath(buf, mpOff, mpLen, resolve, cache);
    if (r.raw !== NO_RAW) {
      const e = encapOf(r.raw);
      if (e) r.encap = e;
    }
    return r;
  };
}

/** struct rta_cacheinfo as ip prints it (print_rta_cacheinfo). */
function cacheInfo(v: Record<string, unknown>, r: Route): void {
  const expires = v['rta-expires'] as number, error = v['rta-error'] as number;
  const id = v['rta-id'] as number, ts = v['rta-ts'] as number, tsage = v['rta-tsage'] as number;
  // USER_HZ is 100 on Linux; ip divides by sysconf(_SC_CLK_TCK) with C's truncating division.
  if (expires !== 0) r.expires = Math.trunc(expires / 100);
  if (error !== 0) r.error = error;
  if (id) r.ipid = `0x${id.toString(16).padStart(4, '0')}`;
  if (ts || tsage) {
    r.ts = ts ? `0x${ts.toString(16)}` : '0';
    r.tsage = tsage;
  }
}

let decoder: ReturnType<typeof makeDecoder> | undefined;

/**
 * Decode one RTM_NEWROUTE/RTM_DELROUTE. Iterative; throws NetlinkDecodeError (with the
 * offset) on a malformed attribute, never reads past the message.
 */
export function decodeRoute(m: MessageRef, resolve?: IfNameResolver, cache?: AddressCache): Route {
  return (decoder ??= makeDecoder())(m.buf, m.type, m.payloadStart, m.end, resolve, cache);
}

/**
 * decodeRoute() straight from bytes: the message whose nlmsghdr is at `msgOff` in `buf` (as
 * in a MessageChunk of NetlinkSocket.dumpDatagrams()), no MessageRef needed. The header's
 * length must have been checked against the buffer (the socket does; else use decodeRoute).
 */
export function decodeRouteAt(buf: NetlinkBuffer, msgOff: number, resolve?: IfNameResolver, cache?: AddressCache): Route {
  const view = buf.view;
  return (decoder ??= makeDecoder())(buf, view.getUint16(msgOff + 4, LE), msgOff + 16, msgOff + view.getUint32(msgOff, LE), resolve, cache);
}
