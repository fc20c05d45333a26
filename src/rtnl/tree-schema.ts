// Attribute schemas of rtnetlink (NETLINK_ROUTE) for the generic tree: message names, family
// headers, and attribute names/formats for links, addresses, routes, neighbours and nsids.
import * as C from './constants.js';
import type { AttrSchema, AttrSpec, MessageSchema, AttrNode, TreeContext } from '../netlink/attribute-tree.js';
import { attributeTree } from '../netlink/attribute-tree.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import { enumNames, enumSchema, structAttr, structHeader, type SpecOverride } from '../netlink/tree-schema.js';

const mod = C as unknown as Record<string, unknown>;

// ---- headers

const IFINFOMSG = structHeader('ifinfomsg', [['family', 'u8'], ['', 1], ['type', 'u16'], ['index', 's32'], ['flags', 'x32'], ['change', 'x32']]);
const IFADDRMSG = structHeader('ifaddrmsg', [['family', 'u8'], ['prefixlen', 'u8'], ['flags', 'u8'], ['scope', 'u8'], ['index', 'u32']]);
const RTMSG = structHeader('rtmsg', [['family', 'u8'], ['dst_len', 'u8'], ['src_len', 'u8'], ['tos', 'u8'], ['table', 'u8'], ['protocol', 'u8'], ['scope', 'u8'], ['type', 'u8'], ['flags', 'x32']]);
const NDMSG = structHeader('ndmsg', [['family', 'u8'], ['', 3], ['ifindex', 's32'], ['state', 'u16'], ['flags', 'u8'], ['type', 'u8']]);
const RTGENMSG = structHeader('rtgenmsg', [['family', 'u8'], ['', 3]]);
const NETCONFMSG = structHeader('netconfmsg', [['family', 'u8'], ['', 3]]);

// ---- links

const ALT_NAME: SpecOverride = 'string';

const BR: AttrSchema = enumSchema(mod, 'IFLA_BR_', {
  IFLA_BR_ROOT_ID: 'binary', IFLA_BR_BRIDGE_ID: 'binary', IFLA_BR_GROUP_ADDR: 'mac', IFLA_BR_VLAN_PROTOCOL: 'be16',
  IFLA_BR_FDB_FLUSH: 'flag', IFLA_BR_MULTI_BOOLOPT: 'binary', IFLA_BR_MCAST_QUERIER_STATE: 'nested',
});
const BRPORT: AttrSchema = enumSchema(mod, 'IFLA_BRPORT_', {
  IFLA_BRPORT_ROOT_ID: 'binary', IFLA_BRPORT_BRIDGE_ID: 'binary', IFLA_BRPORT_FLUSH: 'flag',
  IFLA_BRPORT_STATE: { format: 'u8', values: C.BR_STATE_NAMES },
});
const VXLAN: AttrSchema = enumSchema(mod, 'IFLA_VXLAN_', {
  IFLA_VXLAN_GROUP: 'ip', IFLA_VXLAN_LOCAL: 'ip', IFLA_VXLAN_GROUP6: 'ip', IFLA_VXLAN_LOCAL6: 'ip', IFLA_VXLAN_PORT: 'be16',
  IFLA_VXLAN_PORT_RANGE: structAttr([['low', 'be16'], ['high', 'be16']]), IFLA_VXLAN_LABEL: 'be32',
  IFLA_VXLAN_GBP: 'flag', IFLA_VXLAN_GPE: 'flag', IFLA_VXLAN_REMCSUM_NOPARTIAL: 'flag',
});
const MACVLAN: AttrSchema = enumSchema(mod, 'IFLA_MACVLAN_', {
  IFLA_MACVLAN_MODE: { format: 'u32', values: C.MACVLAN_MODE_NAMES }, IFLA_MACVLAN_MACADDR: 'mac',
  IFLA_MACVLAN_MACADDR_DATA: { format: 'nested', children: { attrs: new Map(), any: { name: 'IFLA_MACVLAN_MACADDR', format: 'mac' } } },
});
const VLAN: AttrSchema = enumSchema(mod, 'IFLA_VLAN_', {
  IFLA_VLAN_PROTOCOL: 'be16', IFLA_VLAN_FLAGS: structAttr([['flags', 'u32'], ['mask', 'u32']]),
  IFLA_VLAN_EGRESS_QOS: 'nested', IFLA_VLAN_INGRESS_QOS: 'nested',
}, { exclude: ['IFLA_VLAN_QOS_'] });
const BOND: AttrSchema = enumSchema(mod, 'IFLA_BOND_', { IFLA_BOND_ARP_IP_TARGET: 'nested', IFLA_BOND_NS_IP6_TARGET: 'nested', IFLA_BOND_AD_ACTOR_SYSTEM: 'mac' });
const VRF: AttrSchema = enumSchema(mod, 'IFLA_VRF_', {}, { exclude: ['IFLA_VRF_PORT_'] });
const VRF_PORT: AttrSchema = enumSchema(mod, 'IFLA_VRF_PORT_');

const INET6: AttrSchema = enumSchema(mod, 'IFLA_INET6_', {
  IFLA_INET6_CONF: 'binary', IFLA_INET6_STATS: 'binary', IFLA_INET6_ICMP6STATS: 'binary', IFLA_INET6_TOKEN: 'ip',
  IFLA_INET6_CACHEINFO: structAttr([['max_reasm_len', 'u32'], ['tstamp', 'u32'], ['reachable_time', 'u32'], ['retrans_time', 'u32']]),
  IFLA_INET6_ADDR_GEN_MODE: { format: 'u8', values: ['eui64', 'none', 'stable_secret', 'random'] },
});
const INET: AttrSchema = enumSchema(mod, 'IFLA_INET_', { IFLA_INET_CONF: 'binary' });
const AF_SPEC: AttrSchema = {
  attrs: (family) => {
    if (family === C.AF_INET) return { name: 'AF_INET', children: INET };
    if (family === C.AF_INET6) return { name: 'AF_INET6', children: INET6 };
    if (family === C.AF_BRIDGE) return { name: 'AF_BRIDGE', format: 'nested' };
    return { name: `AF_${family}`, format: 'nested' };
  },
};

const KIND_DATA: Record<string, AttrSchema> = {
  bridge: BR, vxlan: VXLAN, macvlan: MACVLAN, macvtap: MACVLAN, vlan: VLAN, bond: BOND, vrf: VRF,
};
const SLAVE_DATA: Record<string, AttrSchema> = { bridge: BRPORT, vrf: VRF_PORT };

// VETH_INFO_PEER carries a whole ifinfomsg followed by the peer's IFLA_* attributes.
const vethPeer = (buf: NetlinkBuffer, off: number, len: number, depth: number, ctx: TreeContext): AttrNode[] => {
  if (len < C.IFINFOMSG_LEN) throw new NetlinkDecodeError(`VETH_INFO_PEER needs a ${C.IFINFOMSG_LEN}-byte ifinfomsg, has ${len}`, off);
  const header: AttrNode = { type: -1, name: 'ifinfomsg', offset: off, length: C.IFINFOMSG_LEN, value: IFINFOMSG.decode(buf, off) };
  return [header, ...attributeTree(buf, off + C.IFINFOMSG_LEN, off + len, LINK, depth, ctx, ctx.facts)];
};
const VETH: AttrSchema = { attrs: new Map([[C.VETH_INFO_PEER, { name: 'VETH_INFO_PEER', decode: vethPeer }]]) };
KIND_DATA.veth = VETH;

const LINKINFO: AttrSchema = enumSchema(mod, 'IFLA_INFO_', {
  IFLA_INFO_KIND: 'string', IFLA_INFO_SLAVE_KIND: 'string', IFLA_INFO_XSTATS: 'binary',
  IFLA_INFO_DATA: { format: 'nested', children: (ctx) => KIND_DATA[ctx.siblingString(C.IFLA_INFO_KIND) ?? ''] },
  IFLA_INFO_SLAVE_DATA: { format: 'nested', children: (ctx) => SLAVE_DATA[ctx.siblingString(C.IFLA_INFO_SLAVE_KIND) ?? ''] },
});

const PROP_LIST: AttrSchema = { attrs: new Map([[C.IFLA_ALT_IFNAME, { name: 'IFLA_ALT_IFNAME', format: 'string' }]]) };

const LINK_FORMATS: Record<string, SpecOverride> = {
  IFLA_ADDRESS: 'mac', IFLA_BROADCAST: 'mac', IFLA_PERM_ADDRESS: 'mac', IFLA_IFNAME: 'string', IFLA_QDISC: 'string',
  IFLA_IFALIAS: 'string', IFLA_PHYS_PORT_NAME: 'string', IFLA_ALT_IFNAME: ALT_NAME, IFLA_PARENT_DEV_NAME: 'string',
  IFLA_PARENT_DEV_BUS_NAME: 'string', IFLA_LINK: 's32', IFLA_LINK_NETNSID: 's32', IFLA_NEW_NETNSID: 's32',
  IFLA_IF_NETNSID: 's32', IFLA_NEW_IFINDEX: 's32', IFLA_STATS: 'binary', IFLA_STATS64: 'binary', IFLA_MAP: 'binary',
  IFLA_PHYS_PORT_ID: 'binary', IFLA_PHYS_SWITCH_ID: 'binary',
  IFLA_OPERSTATE: { format: 'u8', values: C.OPERSTATE_NAMES }, IFLA_LINKMODE: { format: 'u8', values: C.LINKMODE_NAMES },
  IFLA_LINKINFO: { children: LINKINFO }, IFLA_AF_SPEC: { children: AF_SPEC }, IFLA_PROP_LIST: { children: PROP_LIST },
  IFLA_PROTINFO: 'nested', IFLA_VFINFO_LIST: 'nested', IFLA_VF_PORTS: 'nested', IFLA_PORT_SELF: 'nested', IFLA_XDP: 'nested',
  IFLA_PROTO_DOWN_REASON: 'nested', IFLA_DEVLINK_PORT: 'nested', IFLA_DPLL_PIN: 'nested', IFLA_WIRELESS: 'binary',
};
const LINK: AttrSchema = enumSchema(mod, 'IFLA_', LINK_FORMATS, {
  exclude: ['IFLA_BR_', 'IFLA_BRPORT_', 'IFLA_INFO_', 'IFLA_VXLAN_', 'IFLA_MACVLAN_', 'IFLA_VLAN_', 'IFLA_BOND_', 'IFLA_VRF_',
    'IFLA_INET_', 'IFLA_INET6_', 'IFLA_XDP_', 'IFLA_VF_', 'IFLA_PORT_', 'IFLA_PROTO_DOWN_REASON_', 'IFLA_BRIDGE_', 'IFLA_IPVLAN_',
    'IFLA_GENEVE_', 'IFLA_GRE_', 'IFLA_IPTUN_', 'IFLA_VTI_', 'IFLA_MACSEC_', 'IFLA_TUN_', 'IFLA_HSR_', 'IFLA_PPP_', 'IFLA_GTP_',
    'IFLA_RMNET_', 'IFLA_MCTP_', 'IFLA_DSA_', 'IFLA_NETKIT_', 'IFLA_EVENT_', 'IFLA_STATS_', 'IFLA_OFFLOAD_', 'IFLA_TARGET_'],
});

// ---- addresses

const ADDR: AttrSchema = enumSchema(mod, 'IFA_', {
  IFA_ADDRESS: 'ip', IFA_LOCAL: 'ip', IFA_BROADCAST: 'ip', IFA_ANYCAST: 'ip', IFA_MULTICAST: 'ip', IFA_LABEL: 'string',
  IFA_CACHEINFO: structAttr([['ifa_prefered', 'u32'], ['ifa_valid', 'u32'], ['cstamp', 'u32'], ['tstamp', 'u32']]),
  IFA_FLAGS: 'u32', IFA_RT_PRIORITY: 'u32', IFA_TARGET_NETNSID: 's32', IFA_PROTO: 'u8',
}, { exclude: ['IFA_F_'], extra: { 9: 'IFA_RT_PRIORITY', 10: 'IFA_TARGET_NETNSID' } });

// ---- routes

const METRICS: AttrSchema = enumSchema(mod, 'RTAX_', { RTAX_CC_ALGO: 'string' }, { exclude: ['RTAX_FEATURE_'] });

let ROUTE: AttrSchema;
// RTA_MULTIPATH: a run of struct rtnexthop { u16 len; u8 flags; u8 hops; int ifindex }, each
// followed by its own RTA_* attributes (RTA_GATEWAY...), up to rtnh_len.
const multipath = (buf: NetlinkBuffer, off: number, len: number, depth: number, ctx: TreeContext): AttrNode[] => {
  const out: AttrNode[] = [];
  let p = off;
  const end = off + len;
  let i = 0;
  while (end - p >= C.RTNEXTHOP_LEN) {
    const nhLen = buf.u16(p);
    if (nhLen < C.RTNEXTHOP_LEN) throw new NetlinkDecodeError(`rtnexthop length ${nhLen} is below its 8-byte header`, p);
    if (nhLen > end - p) throw new NetlinkDecodeError(`rtnexthop claims ${nhLen} bytes, only ${end - p} remain`, p);
    out.push({
      type: i++, name: 'rtnexthop', offset: p, length: nhLen,
      value: { flags: buf.u8(p + 2), hops: buf.u8(p + 3), ifindex: buf.s32(p + 4) },
      children: attributeTree(buf, p + C.RTNEXTHOP_LEN, p + nhLen, ROUTE, depth, ctx, ctx.facts),
    });
    p += (nhLen + 3) & ~3;
  }
  if (p < end) throw new NetlinkDecodeError(`${end - p} trailing bytes after the last rtnexthop`, p);
  return out;
};
ROUTE = enumSchema(mod, 'RTA_', {
  RTA_DST: 'ip', RTA_SRC: 'ip', RTA_GATEWAY: 'ip', RTA_PREFSRC: 'ip', RTA_NEWDST: 'binary', RTA_IIF: 'u32', RTA_OIF: 'u32',
  RTA_PRIORITY: 'u32', RTA_TABLE: { format: 'u32', values: C.RT_TABLE_NAMES }, RTA_MARK: 'u32', RTA_FLOW: 'u32', RTA_UID: 'u32',
  RTA_METRICS: { children: METRICS }, RTA_MULTIPATH: { decode: multipath },
  RTA_CACHEINFO: structAttr([['clntref', 'u32'], ['lastuse', 'u32'], ['expires', 's32'], ['error', 'u32'], ['used', 'u32'], ['id', 'u32'], ['ts', 'u32'], ['tsage', 'u32']]),
  RTA_VIA: structAttr([['family', 'u16']]), RTA_PREF: 'u8', RTA_ENCAP_TYPE: 'u16', RTA_ENCAP: 'nested', RTA_EXPIRES: 'u64',
  RTA_TTL_PROPAGATE: 'u8', RTA_IP_PROTO: 'u8', RTA_SPORT: 'be16', RTA_DPORT: 'be16', RTA_NH_ID: 'u32', RTA_FLOWLABEL: 'be32',
}, { extra: { 31: 'RTA_FLOWLABEL' } });

// ---- neighbours

const NEIGH: AttrSchema = enumSchema(mod, 'NDA_', {
  NDA_DST: 'ip', NDA_LLADDR: 'mac', NDA_PORT: 'be16', NDA_LINK_NETNSID: 's32', NDA_FDB_EXT_ATTRS: 'nested',
  NDA_CACHEINFO: structAttr([['confirmed', 'u32'], ['used', 'u32'], ['updated', 'u32'], ['refcnt', 'u32']]),
});

const NSID: AttrSchema = enumSchema(mod, 'NETNSA_', { NETNSA_NSID: 's32', NETNSA_TARGET_NSID: 's32', NETNSA_CURRENT_NSID: 's32', NETNSA_PID: 'u32', NETNSA_FD: 'u32' }, { exclude: ['NETNSA_NSID_'] });

// ---- messages

const RTM_NAMES = enumNames(mod, 'RTM_', ['RTM_BASE', 'RTM_F_']);

const BY_GROUP: Record<number, { header?: MessageSchema['header']; attributes?: AttrSchema }> = {
  [C.RTM_NEWLINK]: { header: IFINFOMSG, attributes: LINK },
  [C.RTM_NEWADDR]: { header: IFADDRMSG, attributes: ADDR },
  [C.RTM_NEWROUTE]: { header: RTMSG, attributes: ROUTE },
  [C.RTM_NEWNEIGH]: { header: NDMSG, attributes: NEIGH },
  [C.RTM_NEWNSID]: { header: RTGENMSG, attributes: NSID },
  [C.RTM_NEWNETCONF]: { header: NETCONFMSG },
};

const cache = new Map<number, MessageSchema | undefined>();

/** The schema of an rtnetlink message type (RTM_NEWLINK...), or undefined when unknown. */
export function rtnlSchema(type: number): MessageSchema | undefined {
  if (cache.has(type)) return cache.get(type);
  const name = RTM_NAMES.get(type);
  let schema: MessageSchema | undefined;
  if (name) {
    // RTM_* types come in groups of four: NEW, DEL, GET, SET.
    const group = BY_GROUP[type - ((type - C.RTM_BASE) & 3)];
    const op = (['new', 'del', 'get', 'other'] as const)[(type - C.RTM_BASE) & 3];
    schema = { name, op, ...group };
  }
  cache.set(type, schema);
  return schema;
}

export { LINK as LINK_SCHEMA, ADDR as ADDR_SCHEMA, ROUTE as ROUTE_SCHEMA, NEIGH as NEIGH_SCHEMA };
export type { AttrSpec };
