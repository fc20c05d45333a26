// The nested parts of a route that `ip` presents in its own way: RTA_METRICS under ip's names
// (rtt scaled, locks listed), RTA_MULTIPATH's rtnexthop list (a binary struct list the spec
// does not describe: a derived view), and the lwtunnel encapsulation view (route-encap.ts).
import { NetlinkDecodeError } from '../netlink/errors.js';
import { NetlinkBuffer, rawAttribute, type RawAttribute } from '../netlink/reader.js';
import { ENCAP_DECLARED, decodeEncap, type RouteEncap } from './route-encap.js';
import * as C from './constants.js';
import { type Route, type RouteNexthop, routeFlagNames } from './route-types.js';
import { type AddressCache, flowOf, fmtAddr, fmtCached, viaOf } from './route-strings.js';

const LE = true;

/** Names interfaces for dev/iif (and nexthop dev); without one they read "ifN". */
export type IfNameResolver = (ifindex: number) => string | undefined;

/**
 * The encapsulation of RTA_ENCAP_TYPE + RTA_ENCAP (route-encap.ts), a view: the two attributes
 * stay in `raw` as well, so a decoded route re-encodes to the same bytes. A type without a
 * declared set, or a payload its set cannot read, gives no view (the bytes are in raw).
 */
export function encapOf(raw: readonly RawAttribute[]): RouteEncap | undefined {
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

export function decodeMetrics(buf: NetlinkBuffer, off: number, len: number, r: Route): void {
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

export function decodeMultipath(buf: NetlinkBuffer, off: number, len: number, resolve?: IfNameResolver, cache?: AddressCache): RouteNexthop[] {
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
