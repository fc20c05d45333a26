// Kind options for link creation (bridge, bridge port, vxlan, macvlan, vlan, bond, vrf, veth
// peer) under the names `ip -j -d` prints, and IFLA_LINKINFO as the kernel takes it.
import { NLA_F_NESTED } from '../netlink/constants.js';
import type { RawAttribute } from '../netlink/reader.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { vlanProtocolNumber } from './link-format.js';
import { type LinkAttrs, writeIfInfoMsg, writeLinkAttrs, writeRaw } from './link-attrs-encode.js';

/** Link kinds with a typed create path (and their options). Any other kind: pass infoData. */
export const TYPED_KINDS = ['veth', 'bridge', 'macvlan', 'macvtap', 'vxlan', 'vlan', 'bond', 'vrf', 'dummy', 'ifb', 'nlmon'] as const;
export type TypedKind = (typeof TYPED_KINDS)[number];

/** Writable bridge options: the names `ip -j -d` prints (and `ip link add type bridge` takes). */
export interface BridgeOptions {
  forward_delay?: number;
  hello_time?: number;
  max_age?: number;
  ageing_time?: number;
  stp_state?: number | boolean;
  priority?: number;
  vlan_filtering?: number | boolean;
  vlan_protocol?: '802.1Q' | '802.1ad';
  vlan_default_pvid?: number;
  vlan_stats_enabled?: number | boolean;
  vlan_stats_per_port?: number | boolean;
  group_fwd_mask?: number;
  group_addr?: string;
  mcast_snooping?: number | boolean;
  no_linklocal_learn?: number | boolean;
  mcast_vlan_snooping?: number | boolean;
  mcast_router?: number;
  mcast_query_use_ifaddr?: number | boolean;
  mcast_querier?: number | boolean;
  mcast_hash_elasticity?: number;
  mcast_hash_max?: number;
  mcast_last_member_cnt?: number;
  mcast_startup_query_cnt?: number;
  mcast_last_member_intvl?: number;
  mcast_membership_intvl?: number;
  mcast_querier_intvl?: number;
  mcast_query_intvl?: number;
  mcast_query_response_intvl?: number;
  mcast_startup_query_intvl?: number;
  mcast_stats_enabled?: number | boolean;
  mcast_igmp_version?: number;
  mcast_mld_version?: number;
  nf_call_iptables?: number | boolean;
  nf_call_ip6tables?: number | boolean;
  nf_call_arptables?: number | boolean;
}

/** Writable bridge port options (`ip link set DEV type bridge_slave ...`), decoded names. */
export interface BridgePortOptions {
  state?: 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking' | number;
  priority?: number;
  cost?: number;
  hairpin?: boolean;
  guard?: boolean;
  root_block?: boolean;
  fastleave?: boolean;
  learning?: boolean;
  flood?: boolean;
  proxy_arp?: boolean;
  proxy_arp_wifi?: boolean;
  multicast_router?: number;
  mcast_flood?: boolean;
  bcast_flood?: boolean;
  mcast_to_unicast?: boolean;
  neigh_suppress?: boolean;
  group_fwd_mask?: number;
  vlan_tunnel?: boolean;
  isolated?: boolean;
  locked?: boolean;
  backup_port?: number;
}

export interface VxlanOptions {
  /** VNI (required by the kernel unless external). */
  id?: number;
  /** Unicast remote or multicast group, IPv4 or IPv6 (ip's `remote`/`group`). */
  remote?: string;
  group?: string;
  local?: string;
  /** Lower device index (resolved from a name by link-ops). */
  link?: number;
  port?: number;
  port_range?: { low: number; high: number };
  learning?: boolean;
  proxy?: boolean;
  rsc?: boolean;
  l2miss?: boolean;
  l3miss?: boolean;
  /** TOS; 1 means inherit. */
  tos?: number;
  /** 0 means auto. */
  ttl?: number;
  ttl_inherit?: boolean;
  df?: 'unset' | 'set' | 'inherit';
  label?: number;
  ageing?: number;
  limit?: number;
  udp_csum?: boolean;
  udp_zero_csum6_tx?: boolean;
  udp_zero_csum6_rx?: boolean;
  remcsum_tx?: boolean;
  remcsum_rx?: boolean;
  gbp?: boolean;
  gpe?: boolean;
  external?: boolean;
  vnifilter?: boolean;
}

export interface MacvlanOptions {
  mode?: 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';
  nopromisc?: boolean;
  nodst?: boolean;
  bcqueuelen?: number;
}

/** The kind part of a NEWLINK, resolved. */
export type KindData =
  | { kind: 'veth'; peer?: LinkAttrs }
  | { kind: 'bridge'; bridge?: BridgeOptions }
  | { kind: 'vxlan'; vxlan?: VxlanOptions }
  | { kind: 'macvlan' | 'macvtap'; macvlan?: MacvlanOptions }
  | { kind: 'vlan'; vlan?: { id: number; protocol?: '802.1Q' | '802.1ad' } }
  | { kind: 'bond'; bond?: { mode?: number } }
  | { kind: 'vrf'; vrf?: { table: number } }
  | { kind: string; infoData?: RawAttribute[] };

const b8 = (v: number | boolean): number => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

export function writeBridgeOptions(w: MessageWriter, o: BridgeOptions): void {
  const u32 = (t: number, v: number | undefined): void => { if (v !== undefined) w.attrU32(t, v); };
  const u8 = (t: number, v: number | boolean | undefined): void => { if (v !== undefined) w.attrU8(t, b8(v)); };
  const u64 = (t: number, v: number | undefined): void => { if (v !== undefined) w.attrU64(t, v); };
  u32(C.IFLA_BR_FORWARD_DELAY, o.forward_delay);
  u32(C.IFLA_BR_HELLO_TIME, o.hello_time);
  u32(C.IFLA_BR_MAX_AGE, o.max_age);
  u32(C.IFLA_BR_AGEING_TIME, o.ageing_time);
  if (o.stp_state !== undefined) w.attrU32(C.IFLA_BR_STP_STATE, b8(o.stp_state));
  if (o.priority !== undefined) w.attrU16(C.IFLA_BR_PRIORITY, o.priority);
  u8(C.IFLA_BR_VLAN_FILTERING, o.vlan_filtering);
  if (o.vlan_protocol !== undefined) w.attrBe16(C.IFLA_BR_VLAN_PROTOCOL, vlanProtocolNumber(o.vlan_protocol));
  if (o.vlan_default_pvid !== undefined) w.attrU16(C.IFLA_BR_VLAN_DEFAULT_PVID, o.vlan_default_pvid);
  u8(C.IFLA_BR_VLAN_STATS_ENABLED, o.vlan_stats_enabled);
  u8(C.IFLA_BR_VLAN_STATS_PER_PORT, o.vlan_stats_per_port);
  if (o.group_fwd_mask !== undefined) w.attrU16(C.IFLA_BR_GROUP_FWD_MASK, o.group_fwd_mask);
  if (o.group_addr !== undefined) w.attrMac(C.IFLA_BR_GROUP_ADDR, o.group_addr);
  u8(C.IFLA_BR_MCAST_SNOOPING, o.mcast_snooping);
  if (o.no_linklocal_learn !== undefined || o.mcast_vlan_snooping !== undefined) {
    let val = 0, mask = 0;
    if (o.no_linklocal_learn !== undefined) {
      mask |= 1 << C.BR_BOOLOPT_NO_LL_LEARN;
      if (b8(o.no_linklocal_learn)) val |= 1 << C.BR_BOOLOPT_NO_LL_LEARN;
    }
    if (o.mcast_vlan_snooping !== undefined) {
      mask |= 1 << C.BR_BOOLOPT_MCAST_VLAN_SNOOPING;
      if (b8(o.mcast_vlan_snooping)) val |= 1 << C.BR_BOOLOPT_MCAST_VLAN_SNOOPING;
    }
    const data = new Uint8Array(8);
    const v = new DataView(data.buffer);
    v.setUint32(0, val, true);
    v.setUint32(4, mask, true);
    w.attrBytes(C.IFLA_BR_MULTI_BOOLOPT, data);
  }
  if (o.mcast_router !== undefined) w.attrU8(C.IFLA_BR_MCAST_ROUTER, o.mcast_router);
  u8(C.IFLA_BR_MCAST_QUERY_USE_IFADDR, o.mcast_query_use_ifaddr);
  u8(C.IFLA_BR_MCAST_QUERIER, o.mcast_querier);
  u32(C.IFLA_BR_MCAST_HASH_ELASTICITY, o.mcast_hash_elasticity);
  u32(C.IFLA_BR_MCAST_HASH_MAX, o.mcast_hash_max);
  u32(C.IFLA_BR_MCAST_LAST_MEMBER_CNT, o.mcast_last_member_cnt);
  u32(C.IFLA_BR_MCAST_STARTUP_QUERY_CNT, o.mcast_startup_query_cnt);
  u64(C.IFLA_BR_MCAST_LAST_MEMBER_INTVL, o.mcast_last_member_intvl);
  u64(C.IFLA_BR_MCAST_MEMBERSHIP_INTVL, o.mcast_membership_intvl);
  u64(C.IFLA_BR_MCAST_QUERIER_INTVL, o.mcast_querier_intvl);
  u64(C.IFLA_BR_MCAST_QUERY_INTVL, o.mcast_query_intvl);
  u64(C.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, o.mcast_query_response_intvl);
  u64(C.IFLA_BR_MCAST_STARTUP_QUERY_INTVL, o.mcast_startup_query_intvl);
  u8(C.IFLA_BR_MCAST_STATS_ENABLED, o.mcast_stats_enabled);
  if (o.mcast_igmp_version !== undefined) w.attrU8(C.IFLA_BR_MCAST_IGMP_VERSION, o.mcast_igmp_version);
  if (o.mcast_mld_version !== undefined) w.attrU8(C.IFLA_BR_MCAST_MLD_VERSION, o.mcast_mld_version);
  u8(C.IFLA_BR_NF_CALL_IPTABLES, o.nf_call_iptables);
  u8(C.IFLA_BR_NF_CALL_IP6TABLES, o.nf_call_ip6tables);
  u8(C.IFLA_BR_NF_CALL_ARPTABLES, o.nf_call_arptables);
}

const BR_STATE_BY_NAME: Record<string, number> = { disabled: 0, listening: 1, learning: 2, forwarding: 3, blocking: 4 };

export function writeBridgePortOptions(w: MessageWriter, o: BridgePortOptions): void {
  const flag = (t: number, v: boolean | undefined): void => { if (v !== undefined) w.attrU8(t, v ? 1 : 0); };
  if (o.state !== undefined) w.attrU8(C.IFLA_BRPORT_STATE, typeof o.state === 'number' ? o.state : BR_STATE_BY_NAME[o.state]!);
  if (o.priority !== undefined) w.attrU16(C.IFLA_BRPORT_PRIORITY, o.priority);
  if (o.cost !== undefined) w.attrU32(C.IFLA_BRPORT_COST, o.cost);
  flag(C.IFLA_BRPORT_MODE, o.hairpin);
  flag(C.IFLA_BRPORT_GUARD, o.guard);
  flag(C.IFLA_BRPORT_PROTECT, o.root_block);
  flag(C.IFLA_BRPORT_FAST_LEAVE, o.fastleave);
  flag(C.IFLA_BRPORT_LEARNING, o.learning);
  flag(C.IFLA_BRPORT_UNICAST_FLOOD, o.flood);
  flag(C.IFLA_BRPORT_PROXYARP, o.proxy_arp);
  flag(C.IFLA_BRPORT_PROXYARP_WIFI, o.proxy_arp_wifi);
  if (o.multicast_router !== undefined) w.attrU8(C.IFLA_BRPORT_MULTICAST_ROUTER, o.multicast_router);
  flag(C.IFLA_BRPORT_MCAST_FLOOD, o.mcast_flood);
  flag(C.IFLA_BRPORT_BCAST_FLOOD, o.bcast_flood);
  flag(C.IFLA_BRPORT_MCAST_TO_UCAST, o.mcast_to_unicast);
  flag(C.IFLA_BRPORT_NEIGH_SUPPRESS, o.neigh_suppress);
  if (o.group_fwd_mask !== undefined) w.attrU16(C.IFLA_BRPORT_GROUP_FWD_MASK, o.group_fwd_mask);
  flag(C.IFLA_BRPORT_VLAN_TUNNEL, o.vlan_tunnel);
  flag(C.IFLA_BRPORT_ISOLATED, o.isolated);
  flag(C.IFLA_BRPORT_LOCKED, o.locked);
  if (o.backup_port !== undefined) w.attrU32(C.IFLA_BRPORT_BACKUP_PORT, o.backup_port);
}

export function writeVxlanOptions(w: MessageWriter, o: VxlanOptions): void {
  const flag = (t: number, v: boolean | undefined): void => { if (v !== undefined) w.attrU8(t, v ? 1 : 0); };
  if (o.id !== undefined) w.attrU32(C.IFLA_VXLAN_ID, o.id);
  const peer = o.group ?? o.remote;
  if (peer !== undefined) w.attrAddress(peer.includes(':') ? C.IFLA_VXLAN_GROUP6 : C.IFLA_VXLAN_GROUP, peer);
  if (o.local !== undefined) w.attrAddress(o.local.includes(':') ? C.IFLA_VXLAN_LOCAL6 : C.IFLA_VXLAN_LOCAL, o.local);
  if (o.link !== undefined) w.attrU32(C.IFLA_VXLAN_LINK, o.link);
  if (o.ttl_inherit) w.attrFlag(C.IFLA_VXLAN_TTL_INHERIT); // NLA_FLAG
  else if (o.ttl !== undefined) w.attrU8(C.IFLA_VXLAN_TTL, o.ttl);
  if (o.tos !== undefined) w.attrU8(C.IFLA_VXLAN_TOS, o.tos);
  if (o.df !== undefined) w.attrU8(C.IFLA_VXLAN_DF, o.df === 'unset' ? C.VXLAN_DF_UNSET : o.df === 'set' ? C.VXLAN_DF_SET : C.VXLAN_DF_INHERIT);
  if (o.label !== undefined) w.attrBe32(C.IFLA_VXLAN_LABEL, o.label);
  flag(C.IFLA_VXLAN_LEARNING, o.learning);
  flag(C.IFLA_VXLAN_PROXY, o.proxy);
  flag(C.IFLA_VXLAN_RSC, o.rsc);
  flag(C.IFLA_VXLAN_L2MISS, o.l2miss);
  flag(C.IFLA_VXLAN_L3MISS, o.l3miss);
  flag(C.IFLA_VXLAN_COLLECT_METADATA, o.external);
  flag(C.IFLA_VXLAN_VNIFILTER, o.vnifilter);
  if (o.ageing !== undefined) w.attrU32(C.IFLA_VXLAN_AGEING, o.ageing);
  if (o.limit !== undefined) w.attrU32(C.IFLA_VXLAN_LIMIT, o.limit);
  if (o.port_range !== undefined) {
    const data = new Uint8Array(4);
    const v = new DataView(data.buffer);
    v.setUint16(0, o.port_range.low, false);
    v.setUint16(2, o.port_range.high, false);
    w.attrBytes(C.IFLA_VXLAN_PORT_RANGE, data);
  }
  if (o.port !== undefined) w.attrBe16(C.IFLA_VXLAN_PORT, o.port);
  flag(C.IFLA_VXLAN_UDP_CSUM, o.udp_csum);
  flag(C.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, o.udp_zero_csum6_tx);
  flag(C.IFLA_VXLAN_UDP_ZERO_CSUM6_RX, o.udp_zero_csum6_rx);
  flag(C.IFLA_VXLAN_REMCSUM_TX, o.remcsum_tx);
  flag(C.IFLA_VXLAN_REMCSUM_RX, o.remcsum_rx);
  if (o.gbp) w.attrFlag(C.IFLA_VXLAN_GBP);
  if (o.gpe) w.attrFlag(C.IFLA_VXLAN_GPE);
}

const MACVLAN_MODE_BY_NAME: Record<string, number> = {
  private: C.MACVLAN_MODE_PRIVATE, vepa: C.MACVLAN_MODE_VEPA, bridge: C.MACVLAN_MODE_BRIDGE,
  passthru: C.MACVLAN_MODE_PASSTHRU, source: C.MACVLAN_MODE_SOURCE,
};

export function writeMacvlanOptions(w: MessageWriter, o: MacvlanOptions): void {
  if (o.mode !== undefined) w.attrU32(C.IFLA_MACVLAN_MODE, MACVLAN_MODE_BY_NAME[o.mode]!);
  if (o.nopromisc !== undefined || o.nodst !== undefined) {
    w.attrU16(C.IFLA_MACVLAN_FLAGS, (o.nopromisc ? C.MACVLAN_FLAG_NOPROMISC : 0) | (o.nodst ? C.MACVLAN_FLAG_NODST : 0));
  }
  if (o.bcqueuelen !== undefined) w.attrU32(C.IFLA_MACVLAN_BC_QUEUE_LEN, o.bcqueuelen);
}

/** IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA {...} } for a kind. */
export function writeLinkInfo(w: MessageWriter, k: KindData): void {
  const li = w.nestStart(C.IFLA_LINKINFO | NLA_F_NESTED);
  w.attrString(C.IFLA_INFO_KIND, k.kind);
  const data = (fn: () => void): void => {
    const d = w.nestStart(C.IFLA_INFO_DATA | NLA_F_NESTED);
    fn();
    w.nestEnd(d);
  };
  switch (k.kind) {
    case 'veth': {
      const peer = (k as { peer?: LinkAttrs }).peer;
      if (peer) {
        data(() => {
          // VETH_INFO_PEER holds a whole ifinfomsg followed by the peer's IFLA_* attributes.
          const p = w.nestStart(C.VETH_INFO_PEER);
          writeIfInfoMsg(w, 0, peer.flags ?? 0, peer.change ?? 0);
          writeLinkAttrs(w, peer);
          w.nestEnd(p);
        });
      }
      break;
    }
    case 'bridge': {
      const o = (k as { bridge?: BridgeOptions }).bridge;
      if (o && Object.keys(o).length) data(() => writeBridgeOptions(w, o));
      break;
    }
    // Kinds whose options are required by the kernel still encode without them (no
    // IFLA_INFO_DATA): the kernel's refusal then names what is missing.
    case 'vxlan': {
      const o = (k as { vxlan?: VxlanOptions }).vxlan;
      if (o) data(() => writeVxlanOptions(w, o));
      break;
    }
    case 'macvlan': case 'macvtap': {
      const o = (k as { macvlan?: MacvlanOptions }).macvlan;
      if (o && Object.keys(o).length) data(() => writeMacvlanOptions(w, o));
      break;
    }
    case 'vlan': {
      const o = (k as { vlan?: { id: number; protocol?: '802.1Q' | '802.1ad' } }).vlan;
      if (o) data(() => {
        w.attrU16(C.IFLA_VLAN_ID, o.id);
        if (o.protocol) w.attrBe16(C.IFLA_VLAN_PROTOCOL, vlanProtocolNumber(o.protocol));
      });
      break;
    }
    case 'bond': {
      const o = (k as { bond?: { mode?: number } }).bond;
      if (o?.mode !== undefined) data(() => w.attrU8(C.IFLA_BOND_MODE, o.mode!));
      break;
    }
    case 'vrf': {
      const o = (k as { vrf?: { table: number } }).vrf;
      if (o) data(() => w.attrU32(C.IFLA_VRF_TABLE, o.table));
      break;
    }
    default: {
      const raw = (k as { infoData?: RawAttribute[] }).infoData;
      if (raw && raw.length) data(() => { for (const r of raw) writeRaw(w, r); });
    }
  }
  w.nestEnd(li);
}
