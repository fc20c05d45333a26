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
  encodeNewAddress, encodeDelAddress, encodeNewNeighbour, encodeDelNeighbour, encodeSetLink, constants as C,
  type Address, type AddressAttrs, type Neighbour, type Link,
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
