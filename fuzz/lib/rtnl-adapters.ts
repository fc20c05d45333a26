// rtnetlink decoders give what `ip -j` prints (text addresses, flag names); the encoders take
// resolved requests (bytes, numbers). To run decode -> encode -> decode and encode -> decode
// over them, each family here has:
//   fromDecoded(d)  the decoded value as the encoder's input: everything the encoder can say
//                   back, nothing it cannot (kernel-only fields such as cacheinfo, probes)
//   encode(r)       the library's own encoder (encodeNewAddress, encodeDelAddress, ...)
//   arbitrary(fc)   valid encoder inputs, in the form fromDecoded gives back
// The harness then compares encoder inputs: fromDecoded(decode(encode(r))) must equal r.
import type fcType from 'fast-check';
import { parseIPv4, parseIPv6, type RawAttribute } from '../../src/netlink/index.js';
import {
  encodeNewAddress, encodeDelAddress, encodeNewNeighbour, encodeDelNeighbour, encodeSetLink, encodeNewRoute, encodeDelRoute,
  constants as C, type Address, type AddressAttrs, type Neighbour, type Link, type Route, type RouteAttrs, type NexthopAttrs,
} from '../../src/rtnl/index.js';
import type { LinkAttrs, LinkChange } from '../../src/rtnl/link.js';
import type { NeighbourAttrs } from '../../src/rtnl/neighbour.js';

type FC = typeof fcType;
type Arb<T> = fcType.Arbitrary<T>;

// ---- shared ----

const FAMILY_NUMBER: Record<string, number> = { inet: C.AF_INET, inet6: C.AF_INET6, bridge: C.AF_BRIDGE, mpls: C.AF_MPLS, link: C.AF_PACKET };

function familyNumber(name: string, index?: number): number {
  return index ?? FAMILY_NUMBER[name] ?? Number(name);
}

/** Text the decoders print for an address back to bytes ('' for an empty payload). */
export function addressBytes(text: string): Uint8Array {
  if (text === '') return new Uint8Array(0);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) return parseIPv4(text) ?? fail(text);
  // ip's link-layer text: two hex digits per byte. An IPv6 text may look the same (all groups of
  // two digits); either reading formats back to the same text, which is what is compared.
  if (/^[0-9a-f]{2}(:[0-9a-f]{2})*$/.test(text)) return Uint8Array.from(text.split(':'), (h) => parseInt(h, 16));
  return parseIPv6(text) ?? fail(text);
}

function fail(text: string): never {
  throw new Error(`the decoder printed an address the harness cannot read back: ${text}`);
}

const raw = (list: RawAttribute[] | undefined): RawAttribute[] | undefined => (list && list.length ? list.map((r) => ({ ...r })) : undefined);

function rawArb(fc: FC, types: number[]): Arb<RawAttribute[]> {
  return fc.array(fc.record({
    type: fc.constantFrom(...types),
    nested: fc.constant(true as const),
    netByteOrder: fc.constant(true as const),
    data: fc.uint8Array({ maxLength: 12 }),
  }, { requiredKeys: ['type', 'data'] }), { maxLength: 3 });
}

const byName = (map: ReadonlyMap<number, string>, name: string): number => {
  for (const [n, s] of map) if (s === name) return n;
  const n = Number(name);
  if (!Number.isInteger(n)) throw new Error(`no number for "${name}"`);
  return n;
};

// ---- addresses ----

export interface AddressRequest { msg: 'newaddr' | 'deladdr'; attrs: AddressAttrs }

const IFA_BITS: ReadonlyArray<readonly [number, keyof Address]> = [
  [C.IFA_F_NODAD, 'nodad'], [C.IFA_F_OPTIMISTIC, 'optimistic'], [C.IFA_F_DADFAILED, 'dadfailed'], [C.IFA_F_HOMEADDRESS, 'home'],
  [C.IFA_F_DEPRECATED, 'deprecated'], [C.IFA_F_TENTATIVE, 'tentative'], [C.IFA_F_MANAGETEMPADDR, 'mngtmpaddr'],
  [C.IFA_F_NOPREFIXROUTE, 'noprefixroute'], [C.IFA_F_MCAUTOJOIN, 'autojoin'], [C.IFA_F_STABLE_PRIVACY, 'stable-privacy'],
];

export function addressFromDecoded(a: Address): AddressRequest {
  let flags = a.ifa_flags ? parseInt(a.ifa_flags, 16) : 0;
  if (a.secondary || a.temporary) flags |= C.IFA_F_SECONDARY;
  if (!a.dynamic) flags |= C.IFA_F_PERMANENT;
  for (const [bit, name] of IFA_BITS) if (a[name]) flags |= bit;
  const attrs: AddressAttrs = {
    family: familyNumber(a.family, a.family_index),
    prefixlen: a.prefixlen,
    index: a.index,
    scope: byName(C.RT_SCOPE_NAMES, a.scope),
    flags: flags >>> 0,
    local: addressBytes(a.local ?? ''),
  };
  if (a.address !== undefined) attrs.address = addressBytes(a.address);
  if (a.broadcast !== undefined) attrs.broadcast = addressBytes(a.broadcast);
  if (a.anycast !== undefined) attrs.anycast = addressBytes(a.anycast);
  if (a.label !== undefined) attrs.label = a.label;
  if (a.valid_life_time !== undefined) attrs.valid = a.valid_life_time;
  // decodeAddress shows a deprecated address's finite preferred lifetime signed (as ip does).
  if (a.preferred_life_time !== undefined) attrs.preferred = a.preferred_life_time >>> 0;
  if (a.metric !== undefined) attrs.metric = a.metric;
  if (a.protocol !== undefined) attrs.protocol = a.protocol;
  const r = raw(a.raw);
  if (r) attrs.attributes = r;
  return { msg: a.msg, attrs };
}

export const encodeAddressRequest = (r: AddressRequest): Uint8Array => (r.msg === 'deladdr' ? encodeDelAddress(r.attrs) : encodeNewAddress(r.attrs));

export function addressRequestArb(fc: FC): Arb<AddressRequest> {
  return fc.constantFrom(C.AF_INET, C.AF_INET6).chain((family) => {
    const n = family === C.AF_INET ? 4 : 16;
    const addr = fc.uint8Array({ minLength: n, maxLength: n });
    return fc.record({
      msg: fc.constantFrom('newaddr' as const, 'deladdr' as const),
      attrs: fc.record({
        family: fc.constant(family),
        prefixlen: fc.integer({ min: 0, max: n * 8 }),
        index: fc.nat(),
        scope: fc.oneof(fc.constantFrom(0, 200, 253, 254, 255), fc.integer({ min: 0, max: 255 })),
        flags: fc.nat().map((f) => f >>> 0),
        local: addr,
        address: addr,
        broadcast: addr,
        anycast: addr,
        label: fc.string({ maxLength: 15 }).map((s) => s.replace(/\0/g, '')),
        lifetimes: fc.tuple(fc.nat().map((v) => v >>> 0), fc.nat().map((v) => v >>> 0)),
        metric: fc.nat(),
        protocol: fc.integer({ min: 0, max: 255 }),
        attributes: rawArb(fc, [C.IFA_MULTICAST, 10, 12, 13, 20]).filter((l) => l.length > 0),
      }, { requiredKeys: ['family', 'prefixlen', 'index', 'scope', 'flags', 'local'] }),
    }).map(({ msg, attrs }) => {
      const { lifetimes, ...rest } = attrs as typeof attrs & { lifetimes?: [number, number] };
      const a: AddressAttrs = { ...rest };
      // The decoder reports the peer only when it differs from the local address.
      if (a.address && a.address.every((b, i) => b === a.local[i])) delete a.address;
      if (lifetimes) { a.valid = lifetimes[0]; a.preferred = lifetimes[1]; }
      return { msg, attrs: a };
    });
  });
}

// ---- neighbours ----

export interface NeighbourRequest { msg: 'newneigh' | 'delneigh'; attrs: NeighbourAttrs }

const NTF_BITS: ReadonlyArray<readonly [number, keyof Neighbour]> = [
  [C.NTF_ROUTER, 'router'], [C.NTF_PROXY, 'proxy'], [C.NTF_EXT_LEARNED, 'extern_learn'], [C.NTF_OFFLOADED, 'offload'],
];
const NUD_BY_NAME = new Map<string, number>(C.NUD_PRINT_ORDER.map(([bit, name]) => [name, bit]));

export function neighbourFromDecoded(n: Neighbour): NeighbourRequest {
  let flags = 0;
  for (const [bit, name] of NTF_BITS) if (n[name] !== undefined) flags |= bit;
  const attrs: NeighbourAttrs = { family: familyNumber(n.family), ifindex: n.ifindex, flags, dst: addressBytes(n.dst ?? '') };
  if (n.msg === 'delneigh') return { msg: 'delneigh', attrs };
  // encodeNewNeighbour defaults an absent state to PERMANENT: say NUD_NONE explicitly.
  attrs.state = (n.state ?? []).reduce((s, name) => s | (NUD_BY_NAME.get(name) ?? 0), 0);
  if (n.lladdr !== undefined) attrs.lladdr = addressBytes(n.lladdr);
  if (n.protocol !== undefined) attrs.protocol = byName(C.RTPROT_NAMES, n.protocol);
  return { msg: 'newneigh', attrs };
}

export const encodeNeighbourRequest = (r: NeighbourRequest): Uint8Array => (r.msg === 'delneigh' ? encodeDelNeighbour(r.attrs) : encodeNewNeighbour(r.attrs));

export function neighbourRequestArb(fc: FC): Arb<NeighbourRequest> {
  const flags = fc.subarray([C.NTF_ROUTER, C.NTF_PROXY, C.NTF_EXT_LEARNED, C.NTF_OFFLOADED]).map((l) => l.reduce((a, b) => a | b, 0));
  return fc.constantFrom(C.AF_INET, C.AF_INET6, C.AF_BRIDGE).chain((family) => {
    const n = family === C.AF_INET6 ? 16 : 4;
    const dst = fc.uint8Array({ minLength: n, maxLength: n });
    return fc.oneof(
      fc.record({
        msg: fc.constant('newneigh' as const),
        attrs: fc.record({
          family: fc.constant(family), ifindex: fc.integer({ min: -0x80000000, max: 0x7fffffff }), flags, dst,
          state: fc.integer({ min: 0, max: 255 }),
          lladdr: fc.uint8Array({ minLength: 6, maxLength: 6 }),
          protocol: fc.integer({ min: 1, max: 255 }),
        }, { requiredKeys: ['family', 'ifindex', 'flags', 'dst', 'state'] }),
      }),
      fc.record({
        msg: fc.constant('delneigh' as const),
        attrs: fc.record({ family: fc.constant(family), ifindex: fc.integer({ min: -0x80000000, max: 0x7fffffff }), flags, dst }),
      }),
    );
  });
}

// ---- links ----

/**
 * What a link request can say back about a decoded link: the ifinfomsg index and flags, the
 * common IFLA_* attributes, undecoded attributes whole, and the kind (with its data only for
 * kinds the encoder passes through as raw attributes). Bridge/vxlan/... options are read-write
 * in different shapes (ip prints timers and ids the kernel computes), so they are left out.
 */
export interface LinkRequest {
  index: number;
  flags: number;
  attrs: LinkAttrs;
  kind?: string;
  infoData?: RawAttribute[];
}

const TYPED_INFO = new Set(['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'vlan', 'bond', 'vrf']);
const IFF_BY_NAME = new Map<string, number>(C.IFF_PRINT_ORDER.map(([bit, name]) => [name, bit]));

export function linkFlagsFromNames(names: readonly string[]): number {
  let flags = 0;
  for (const n of names) {
    const bit = IFF_BY_NAME.get(n);
    if (bit !== undefined) flags |= bit;
    else if (/^[0-9a-f]+$/.test(n)) flags |= parseInt(n, 16);
  }
  // linkFlagNames never names RUNNING: an up link without NO-CARRIER was running.
  if (flags & C.IFF_UP && !names.includes('NO-CARRIER')) flags |= C.IFF_RUNNING;
  return flags >>> 0;
}

export function linkFromDecoded(l: Link): LinkRequest {
  const a: LinkAttrs = { name: l.ifname };
  if (l.mtu !== undefined) a.mtu = l.mtu;
  if (l.address !== undefined) a.address = addressBytes(l.address);
  if (l.broadcast !== undefined) a.broadcast = addressBytes(l.broadcast);
  if (l.txqlen !== undefined) a.txqlen = l.txqlen;
  if (l.group !== undefined) a.group = l.group === 'default' ? 0 : Number(l.group);
  if (l.master_index !== undefined) a.master = l.master_index;
  if (l.link === null) a.link = 0;
  else if (l.link_index !== undefined) a.link = l.link_index;
  if (l.link_netnsid !== undefined) a.linkNetnsid = l.link_netnsid;
  if (l.ifalias !== undefined) a.ifalias = l.ifalias;
  if (l.num_tx_queues !== undefined) a.num_tx_queues = l.num_tx_queues;
  if (l.num_rx_queues !== undefined) a.num_rx_queues = l.num_rx_queues;
  if (l.gso_max_size !== undefined) a.gso_max_size = l.gso_max_size;
  if (l.gso_max_segs !== undefined) a.gso_max_segs = l.gso_max_segs;
  if (l.gro_max_size !== undefined) a.gro_max_size = l.gro_max_size;
  const r = raw(l.raw);
  if (r) a.attributes = r;
  const req: LinkRequest = { index: l.ifindex, flags: linkFlagsFromNames(l.flags), attrs: a };
  const kind = l.linkinfo?.info_kind;
  if (kind !== undefined) {
    req.kind = kind;
    const data = l.linkinfo!.info_data as { raw?: RawAttribute[] } | undefined;
    if (!TYPED_INFO.has(kind) && data?.raw?.length) req.infoData = raw(data.raw);
  }
  return req;
}

export function encodeLinkRequest(r: LinkRequest): Uint8Array {
  const change: LinkChange = { ...r.attrs, flags: r.flags, change: 0 };
  if (r.kind !== undefined) change.kindData = r.infoData ? { kind: r.kind, infoData: r.infoData } : { kind: r.kind };
  return encodeSetLink(r.index, change);
}

export function linkRequestArb(fc: FC): Arb<LinkRequest> {
  const known = [...IFF_BY_NAME.values()].filter((b) => b !== C.IFF_RUNNING);
  const flags = fc.subarray(known).map((l) => l.reduce((x, y) => x | y, 0)).map((f) => (f & C.IFF_UP ? f | C.IFF_RUNNING : f) >>> 0);
  const name = fc.string({ minLength: 1, maxLength: 15 }).map((s) => s.replace(/\0/g, '_'));
  const u32 = fc.nat().map((n) => n >>> 0);
  return fc.record({
    index: fc.integer({ min: 1, max: 0x7fffffff }),
    flags,
    attrs: fc.record({
      name,
      mtu: u32, txqlen: u32, group: u32, master: u32, link: u32, linkNetnsid: fc.integer({ min: -1, max: 1000 }),
      address: fc.uint8Array({ minLength: 6, maxLength: 6 }), broadcast: fc.uint8Array({ minLength: 6, maxLength: 6 }),
      ifalias: fc.string({ maxLength: 40 }).map((s) => s.replace(/\0/g, '_')),
      num_tx_queues: u32, num_rx_queues: u32, gso_max_size: u32, gso_max_segs: u32, gro_max_size: u32,
      // Types the link decoder does not interpret (IFLA_MAP, IFLA_COST, IFLA_PRIORITY, IFLA_WEIGHT, IFLA_EXT_MASK...).
      attributes: rawArb(fc, [C.IFLA_MAP, 8, 9, 12, 15, C.IFLA_EXT_MASK, 62, 70]).filter((l) => l.length > 0),
    }, { requiredKeys: ['name'] }),
    kind: fc.constantFrom('veth', 'bridge', 'vxlan', 'vlan', 'vrf', 'dummy', 'wireguard', 'x'),
    infoData: rawArb(fc, [1, 2, 3, 9]).filter((l) => l.length > 0),
  }, { requiredKeys: ['index', 'flags', 'attrs'] }).map((r) => {
    // Raw info data only travels for kinds writeLinkInfo does not type.
    if (r.infoData && (r.kind === undefined || TYPED_INFO.has(r.kind))) delete r.infoData;
    return r;
  });
}

// ---- routes ----

/**
 * What a route request can say back about a decoded route: the rtmsg fields, destination and
 * source prefixes, gateway (or RTA_VIA), oif/iif, prefsrc, priority, mark, IPv6 preference,
 * plain numeric metrics, multipath nexthops and undecoded attributes whole. Decoder-only facts
 * (cacheinfo, flow, uid, nhid, newdst, ttl-propagate, metrics the decoder reshapes such as
 * rtt/rttvar/features/lock/congestion) are left out.
 */
export interface RouteRequest { msg: 'newroute' | 'delroute'; attrs: RouteAttrs }

const RT_FLAG_BY_NAME = new Map<string, number>([
  ['dead', C.RTNH_F_DEAD], ['onlink', C.RTNH_F_ONLINK], ['pervasive', C.RTNH_F_PERVASIVE], ['offload', C.RTNH_F_OFFLOAD],
  ['trap', C.RTNH_F_TRAP], ['notify', C.RTM_F_NOTIFY], ['linkdown', C.RTNH_F_LINKDOWN], ['unresolved', C.RTNH_F_UNRESOLVED],
  ['rt_offload', C.RTM_F_OFFLOAD], ['rt_trap', C.RTM_F_TRAP], ['rt_offload_failed', C.RTM_F_OFFLOAD_FAILED],
]);
/** Metrics the decoder prints as the plain number it received (no scaling, no special value). */
const PLAIN_METRICS = new Map<string, number>([
  ['mtu', C.RTAX_MTU], ['window', C.RTAX_WINDOW], ['ssthresh', C.RTAX_SSTHRESH], ['cwnd', C.RTAX_CWND],
  ['advmss', C.RTAX_ADVMSS], ['reordering', C.RTAX_REORDERING], ['initcwnd', C.RTAX_INITCWND], ['initrwnd', C.RTAX_INITRWND],
]);
const PREF_NUMBER: Record<string, number> = { low: C.ICMPV6_ROUTER_PREF_LOW, medium: C.ICMPV6_ROUTER_PREF_MEDIUM, high: C.ICMPV6_ROUTER_PREF_HIGH };

const rtFlags = (names: readonly string[]): number => names.reduce((f, n) => f | (RT_FLAG_BY_NAME.get(n) ?? 0), 0) >>> 0;
const nameNumber = (names: ReadonlyMap<number, string> | readonly string[], text: string | undefined): number => {
  if (text === undefined) return 0;
  if (Array.isArray(names)) { const i = (names as readonly string[]).indexOf(text); return i >= 0 ? i : Number(text); }
  return byName(names as ReadonlyMap<number, string>, text);
};
const ifIndexOf = (dev: string): number => Number(/^if(\d+)$/.exec(dev)?.[1] ?? NaN);
/** "10.0.0.0/8", "2001:db8::1" (a host route), "0/8" or "default" (no address attribute). */
const prefixBytes = (text: string): Uint8Array | undefined => (/[.:]/.test(text) ? addressBytes(text.replace(/\/\d+$/, '')) : undefined);

function gatewayOf(family: number, gw: string | undefined, via: { family: string; host: string } | undefined): Pick<NexthopAttrs, 'gateway' | 'viaFamily'> {
  // RTA_VIA wins when both are there (the decoder keeps both; the encoder writes one).
  if (via) {
    const vf = familyNumber(via.family);
    return { gateway: addressBytes(via.host), viaFamily: vf === family ? undefined : vf };
  }
  return gw !== undefined ? { gateway: addressBytes(gw) } : {};
}

export function routeFromDecoded(r: Route): RouteRequest {
  const family = familyNumber(r.family);
  const a: RouteAttrs = {
    family, dstLen: r.dst_len, table: r.table_id,
    protocol: nameNumber(C.RTPROT_NAMES, r.protocol), scope: nameNumber(C.RT_SCOPE_NAMES, r.scope),
    type: nameNumber(C.RTN_NAMES, r.type), flags: rtFlags(r.flags),
  };
  const dst = prefixBytes(r.dst);
  if (dst) a.dst = dst;
  if (r.from !== undefined) {
    a.src = prefixBytes(r.from) ?? new Uint8Array(0);
    const m = /\/(\d+)$/.exec(r.from);
    a.srcLen = m ? Number(m[1]) : a.src.length * 8;
  } else if (r.src !== undefined) a.srcLen = Number(r.src.slice(2));
  if (r.tos !== undefined) a.tos = parseInt(r.tos, 16);
  const gw = gatewayOf(family, r.gateway, r.via);
  if (gw.gateway) a.gateway = gw.gateway;
  if (gw.viaFamily !== undefined) a.viaFamily = gw.viaFamily;
  if (r.oif_index !== undefined) a.oif = r.oif_index;
  if (r.iif !== undefined && Number.isInteger(ifIndexOf(r.iif))) a.iif = ifIndexOf(r.iif);
  if (r.prefsrc !== undefined) a.prefsrc = addressBytes(r.prefsrc);
  if (r.metric !== undefined) a.priority = r.metric;
  if (r.mark !== undefined) a.mark = r.mark;
  if (r.pref !== undefined) a.pref = typeof r.pref === 'number' ? r.pref : PREF_NUMBER[r.pref];
  const mx: Array<[number, number]> = [];
  for (const [name, v] of Object.entries(r.metrics?.[0] ?? {})) {
    const t = PLAIN_METRICS.get(name);
    if (t !== undefined && typeof v === 'number') mx.push([t, v]);
  }
  if (mx.length) a.metrics = mx.sort((x, y) => x[0] - y[0]);
  // An empty RTA_MULTIPATH is not written back (nothing to say): no nexthops.
  if (r.nexthops?.length) {
    a.nexthops = r.nexthops.map((nh) => {
      const n: NexthopAttrs = { weight: nh.weight, flags: rtFlags(nh.flags), ifindex: nh.oif_index };
      const g = gatewayOf(family, nh.gateway, nh.via);
      if (g.gateway) n.gateway = g.gateway;
      if (g.viaFamily !== undefined) n.viaFamily = g.viaFamily;
      return n;
    });
  }
  const extra = raw(r.raw);
  if (extra) a.attributes = extra;
  return { msg: r.msg, attrs: a };
}

export const encodeRouteRequest = (r: RouteRequest): Uint8Array => (r.msg === 'delroute' ? encodeDelRoute(r.attrs) : encodeNewRoute(r.attrs));

export function routeRequestArb(fc: FC): Arb<RouteRequest> {
  const u32 = fc.nat().map((n) => n >>> 0);
  const flags = fc.subarray([...RT_FLAG_BY_NAME.values()]).map((l) => l.reduce((x, y) => x | y, 0) >>> 0);
  return fc.constantFrom(C.AF_INET, C.AF_INET6).chain((family) => {
    const n = family === C.AF_INET6 ? 16 : 4;
    const addr = fc.uint8Array({ minLength: n, maxLength: n });
    const nexthop = fc.record({
      weight: fc.integer({ min: 1, max: 256 }), flags: flags.map((f) => f & 0xff), ifindex: fc.integer({ min: 0, max: 0x7fffffff }), gateway: addr,
    }, { requiredKeys: ['weight', 'flags', 'ifindex'] });
    return fc.record({
      msg: fc.constantFrom('newroute' as const, 'delroute' as const),
      attrs: fc.record({
        family: fc.constant(family), dstLen: fc.integer({ min: 0, max: n * 8 }), dst: addr,
        table: u32, protocol: fc.integer({ min: 0, max: 255 }), scope: fc.integer({ min: 0, max: 255 }),
        type: fc.integer({ min: 0, max: 255 }), flags,
        tos: fc.integer({ min: 1, max: 255 }), gateway: addr, oif: u32, iif: u32, prefsrc: addr, priority: u32,
        mark: fc.integer({ min: 1, max: 0x7fffffff }),
        metrics: fc.uniqueArray(fc.tuple(fc.constantFrom(...PLAIN_METRICS.values()), u32), { selector: (x) => x[0], minLength: 1, maxLength: 4 })
          .map((l) => l.sort((x, y) => x[0] - y[0]) as Array<[number, number]>),
        nexthops: fc.array(nexthop, { minLength: 1, maxLength: 3 }),
        attributes: rawArb(fc, [C.RTA_ENCAP, C.RTA_ENCAP_TYPE, 27, 29]).filter((l) => l.length > 0),
      }, { requiredKeys: ['family', 'dstLen', 'table', 'protocol', 'scope', 'type', 'flags'] }),
    }).map((r) => {
      // RTM_F_CLONED is not among the flags generated: the decoder hides protocol/scope then.
      const a = r.attrs;
      if (a.dst === undefined) a.dstLen = 0; // "0/len" is printed without an address: keep it simple
      return r;
    });
  });
}
