// Link kinds declared as data: IFLA_INFO_DATA of each kind is an attribute set of the kernel's
// rt-link spec (spec/rt-link.gen.ts, sub-message "linkinfo-data-msg"), run through the generic
// codec. The generated table is used as it is, with the corrections below where it disagrees
// with the kernel's policies and with what ip sends (checked byte for byte against
// `ip link add ... type KIND` in test/rtnl-link-kinds.test.ts), plus the kinds the spec does not
// declare yet (ipvlan, xfrm, vxlan, macvlan/macvtap; ip6gre/ip6gretap share gre's set, ip6tnl
// has its own). Kinds without data (dummy, ifb, wireguard, nlmon, netkit without options) need
// no set. The link decoder (link-decode-spec.ts) reads RTM_NEWLINK through the same tables.
import { NetlinkFamily } from '../netlink/spec/family.js';
import type { AttrDecl, Definition, FamilyDecl } from '../netlink/spec/types.js';
import type { NetlinkBuffer, RawAttribute } from '../netlink/reader.js';
import { MessageWriter } from '../netlink/writer.js';
import { rtLinkSpec } from './spec/rt-link.gen.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../netlink/constants.js';
import * as C from './constants.js';
import { type LinkAttrs, writeIfInfoMsg, writeLinkAttrs } from './link-attrs-encode.js';

type Fix = Partial<AttrDecl>;

// name -> fields to change, per set. Why: the kernel's policies (net/ipv4/ip_gre.c,
// ipip.c, sit.c, drivers/net/geneve.c) and if_tunnel.h say __be16/__be32 where the YAML
// says u16/u32, and IFLA_GRE_ENCAP_LIMIT is a u8.
const FIXES: Record<string, Record<string, Fix>> = {
  'linkinfo-gre-attrs': {
    iflags: { byteOrder: 'big-endian' }, oflags: { byteOrder: 'big-endian' },
    ikey: { byteOrder: 'big-endian' }, okey: { byteOrder: 'big-endian' },
    'encap-limit': { type: 'u8' }, flowinfo: { byteOrder: 'big-endian' },
    'encap-sport': { byteOrder: 'big-endian' }, 'encap-dport': { byteOrder: 'big-endian' },
  },
  'linkinfo-iptun-attrs': {
    flowinfo: { byteOrder: 'big-endian' }, 'encap-sport': { byteOrder: 'big-endian' }, 'encap-dport': { byteOrder: 'big-endian' },
  },
  'linkinfo-ip6tnl-attrs': {
    flowinfo: { byteOrder: 'big-endian' }, 'encap-sport': { byteOrder: 'big-endian' }, 'encap-dport': { byteOrder: 'big-endian' },
  },
  'linkinfo-geneve-attrs': { port: { byteOrder: 'big-endian' }, label: { byteOrder: 'big-endian' } },
  // br_fill_info puts nla_put_be16(IFLA_BR_VLAN_PROTOCOL) and br_changelink reads nla_get_be16:
  // 802.1Q is 81 00 on the wire, which the YAML's host-order u16 reads as 0x0081.
  'linkinfo-bridge-attrs': { 'vlan-protocol': { byteOrder: 'big-endian' } },
};

// Definitions the YAML gets wrong. if_link.h: struct ifla_bridge_id { __u8 prio[2]; __u8
// addr[6]; }: the priority is two bytes in network order, not a host-order u16.
const DEF_FIXES: Record<string, Definition> = {
  'ifla-bridge-id': {
    type: 'struct',
    members: [{ name: 'prio', type: 'binary', len: 2, hint: 'hex' }, { name: 'addr', type: 'binary', len: 6, hint: 'mac' }],
  },
};

// Sets the spec lacks (linux/if_link.h: IFLA_IPVLAN_*, IFLA_XFRM_*).
const EXTRA_SETS: Record<string, AttrDecl[]> = {
  'linkinfo-ipvlan-attrs': [
    { name: 'mode', value: 1, type: 'u16', enum: 'ipvlan-mode' },
    // IPVLAN_F_PRIVATE 1, IPVLAN_F_VEPA 2 (bridge is neither bit).
    { name: 'flags', value: 2, type: 'u16' },
  ],
  'linkinfo-xfrm-attrs': [
    { name: 'link', value: 1, type: 'u32' },
    { name: 'if-id', value: 2, type: 'u32' },
    { name: 'collect-metadata', value: 3, type: 'flag' },
  ],
  // IFLA_VXLAN_* (if_link.h; vxlan_policy and vxlan_fill_info in drivers/net/vxlan/vxlan_core.c).
  'linkinfo-vxlan-attrs': [
    { name: 'id', value: 1, type: 'u32' },
    // in_addr / in6_addr: kept as bytes (a v4 group is a group or a remote by its first octet).
    { name: 'group', value: 2, type: 'binary' },
    { name: 'link', value: 3, type: 'u32' },
    { name: 'local', value: 4, type: 'binary' },
    { name: 'ttl', value: 5, type: 'u8' },
    { name: 'tos', value: 6, type: 'u8' },
    { name: 'learning', value: 7, type: 'u8' },
    { name: 'ageing', value: 8, type: 'u32' },
    { name: 'limit', value: 9, type: 'u32' },
    { name: 'port-range', value: 10, type: 'binary', struct: 'ifla-vxlan-port-range' },
    { name: 'proxy', value: 11, type: 'u8' },
    { name: 'rsc', value: 12, type: 'u8' },
    { name: 'l2miss', value: 13, type: 'u8' },
    { name: 'l3miss', value: 14, type: 'u8' },
    { name: 'port', value: 15, type: 'u16', byteOrder: 'big-endian' },
    { name: 'group6', value: 16, type: 'binary' },
    { name: 'local6', value: 17, type: 'binary' },
    { name: 'udp-csum', value: 18, type: 'u8' },
    { name: 'udp-zero-csum6-tx', value: 19, type: 'u8' },
    { name: 'udp-zero-csum6-rx', value: 20, type: 'u8' },
    { name: 'remcsum-tx', value: 21, type: 'u8' },
    { name: 'remcsum-rx', value: 22, type: 'u8' },
    { name: 'gbp', value: 23, type: 'flag' },
    { name: 'remcsum-nopartial', value: 24, type: 'flag' },
    { name: 'collect-metadata', value: 25, type: 'u8' },
    { name: 'label', value: 26, type: 'u32', byteOrder: 'big-endian' },
    { name: 'gpe', value: 27, type: 'flag' },
    // The policy is NLA_FLAG (requests send it empty) but vxlan_fill_info puts a u8: bytes.
    { name: 'ttl-inherit', value: 28, type: 'binary' },
    { name: 'df', value: 29, type: 'u8' },
    { name: 'vnifilter', value: 30, type: 'u8' },
    { name: 'localbypass', value: 31, type: 'u8' },
    { name: 'label-policy', value: 32, type: 'u32' },
  ],
  // IFLA_MACVLAN_* (if_link.h; macvlan_policy in drivers/net/macvlan.c).
  'linkinfo-macvlan-attrs': [
    { name: 'mode', value: 1, type: 'u32' },
    { name: 'flags', value: 2, type: 'u16' },
    { name: 'macaddr-mode', value: 3, type: 'u32' },
    { name: 'macaddr', value: 4, type: 'binary', hint: 'mac' },
    { name: 'macaddr-data', value: 5, type: 'nest', nested: 'macvlan-macaddr-attrs' },
    { name: 'macaddr-count', value: 6, type: 'u32' },
    { name: 'bc-queue-len', value: 7, type: 'u32' },
    { name: 'bc-queue-len-used', value: 8, type: 'u32' },
    { name: 'bc-cutoff', value: 9, type: 's32' },
  ],
  // IFLA_MACVLAN_MACADDR_DATA holds IFLA_MACVLAN_MACADDR entries (macvlan_fill_info_macaddr).
  'macvlan-macaddr-attrs': [{ name: 'macaddr', value: 4, type: 'binary', multi: true }],
};
const EXTRA_DEFS: Record<string, Definition> = {
  'ipvlan-mode': { type: 'enum', entries: [['l2', 0], ['l3', 1], ['l3s', 2]] },
  // struct ifla_vxlan_port_range { __be16 low; __be16 high; }
  'ifla-vxlan-port-range': {
    type: 'struct',
    members: [{ name: 'low', type: 'u16', byteOrder: 'big-endian' }, { name: 'high', type: 'u16', byteOrder: 'big-endian' }],
  },
};

/** kind -> its IFLA_INFO_DATA set (the spec's sub-message table, then the kinds it lacks). */
export const KIND_SETS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(rtLinkSpec.subMessages['linkinfo-data-msg'].map((f) => [f.value, f.attributeSet])),
  ip6gre: 'linkinfo-gre-attrs', ip6gretap: 'linkinfo-gre-attrs', ip6erspan: 'linkinfo-gre-attrs',
  ip6tnl: 'linkinfo-ip6tnl-attrs', ipvlan: 'linkinfo-ipvlan-attrs', ipvtap: 'linkinfo-ipvlan-attrs', xfrm: 'linkinfo-xfrm-attrs',
  vxlan: 'linkinfo-vxlan-attrs', macvlan: 'linkinfo-macvlan-attrs', macvtap: 'linkinfo-macvlan-attrs',
};

/** Kinds the kernel creates without any IFLA_INFO_DATA. */
export const DATALESS_KINDS = ['dummy', 'ifb', 'wireguard', 'nlmon'] as const;

function fixedSets(): Record<string, readonly AttrDecl[]> {
  const sets: Record<string, readonly AttrDecl[]> = { ...(rtLinkSpec.attributeSets as unknown as Record<string, readonly AttrDecl[]>) };
  for (const [set, fixes] of Object.entries(FIXES)) {
    sets[set] = sets[set]!.map((a) => (fixes[a.name] ? { ...a, ...fixes[a.name] } as AttrDecl : a));
  }
  return { ...sets, ...EXTRA_SETS };
}

/** rt-link's declaration with the corrections and the sets it lacks (shared by the link decoder). */
export function rtLinkFixedDecl(): FamilyDecl {
  return {
    ...rtLinkSpec, definitions: { ...rtLinkSpec.definitions, ...DEF_FIXES, ...EXTRA_DEFS }, attributeSets: fixedSets(),
  } as unknown as FamilyDecl;
}

let family: NetlinkFamily | undefined;
/** rt-link with the corrections, compiled on first use (each set on its own first use). */
export function rtLinkKinds(): NetlinkFamily {
  family ??= new NetlinkFamily(rtLinkFixedDecl(), { nestedFlag: false });
  return family;
}

/** Attribute names (kernel spec spelling) of kind's IFLA_INFO_DATA, values as the codec takes them. */
export type KindInfoData = Record<string, unknown>;

export function kindSet(kind: string): string | undefined {
  return Object.hasOwn(KIND_SETS, kind) ? KIND_SETS[kind] : undefined;
}

/**
 * The IFLA_INFO_DATA attributes of `kind` for these values, as raw attributes (what
 * createLink's `infoData` takes). Attributes are written in the order the object lists them,
 * so a request is byte-equal to ip's when given in ip's order.
 */
export function kindInfoData(kind: string, data: KindInfoData): RawAttribute[] {
  const set = kindSet(kind);
  if (!set) throw new Error(`link kind "${kind}" has no declared IFLA_INFO_DATA (declared: ${Object.keys(KIND_SETS).join(', ')})`);
  const w = new MessageWriter(128);
  rtLinkKinds().set(set).encode(w, data, `${kind}.data`);
  const bytes = w.copy();
  const out: RawAttribute[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 0; p + 4 <= bytes.length;) {
    const len = view.getUint16(p, true), type = view.getUint16(p + 2, true);
    out.push({ type: type & 0x3fff, data: bytes.slice(p + 4, p + len), ...(type & 0x8000 ? { nested: true } : {}) });
    p += (len + 3) & ~3;
  }
  return out;
}

/** Decode IFLA_INFO_DATA [off, off+len) of `kind` by its declared set; undefined when none is declared. */
export function decodeKindInfoData(kind: string, buf: NetlinkBuffer, off: number, len: number): KindInfoData | undefined {
  const set = kindSet(kind);
  if (!set) return undefined;
  return rtLinkKinds().set(set).decode(buf, off, off + len);
}

/**
 * RTM_NEWLINK for a declared kind exactly as `ip link add NAME [link DEV] type KIND ...` writes
 * it: ip puts the kind without its NUL (addattr_l with strlen) and sets no NLA_F_NESTED on
 * IFLA_LINKINFO/IFLA_INFO_DATA. The kernel takes both forms; this one is byte-equal to ip's.
 */
export function encodeKindNewLink(attrs: LinkAttrs, kind: string, data?: KindInfoData, w = new MessageWriter(256)): Uint8Array {
  const set = data ? kindSet(kind) : undefined;
  if (data && !set) throw new Error(`link kind "${kind}" has no declared IFLA_INFO_DATA`);
  const start = w.begin(C.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  writeIfInfoMsg(w, 0, attrs.flags ?? 0, attrs.change ?? 0);
  // ip writes `link DEV` (IFLA_LINK) as soon as it parses it, before the name.
  if (attrs.link !== undefined) w.attrU32(C.IFLA_LINK, attrs.link);
  writeLinkAttrs(w, { ...attrs, link: undefined });
  const li = w.nestStart(C.IFLA_LINKINFO);
  w.attrBytes(C.IFLA_INFO_KIND, new TextEncoder().encode(kind));
  if (data) {
    const d = w.nestStart(C.IFLA_INFO_DATA);
    rtLinkKinds().set(set!).encode(w, data, `${kind}.data`);
    w.nestEnd(d);
  }
  w.nestEnd(li);
  w.end(start);
  return w.copy();
}
