// IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA of the kinds with typed decoding (bridge, bridge port,
// vxlan, macvlan/macvtap, vlan), in ip's keys, value formats and order.
import { formatHardwareAddress, formatIP } from '../netlink/address.js';
import { NetlinkBuffer, rawAttribute, walkNested } from '../netlink/reader.js';
import * as C from './constants.js';
import type { BridgeInfoData, BridgePortInfoData, MacvlanInfoData, VlanInfoData, VxlanInfoData } from './link-types.js';
import { bridgeId, hex0x, timer, vlanProtocolName } from './link-format.js';

export function decodeBridgeData(buf: NetlinkBuffer, off: number, len: number): BridgeInfoData {
  const d: BridgeInfoData = {};
  const b = buf.bytes;
  walkNested(buf, off, len, 3, (t, o, l, rt) => {
    switch (t) {
      case C.IFLA_BR_FORWARD_DELAY: d.forward_delay = buf.attrU32(o, l); break;
      case C.IFLA_BR_HELLO_TIME: d.hello_time = buf.attrU32(o, l); break;
      case C.IFLA_BR_MAX_AGE: d.max_age = buf.attrU32(o, l); break;
      case C.IFLA_BR_AGEING_TIME: d.ageing_time = buf.attrU32(o, l); break;
      case C.IFLA_BR_STP_STATE: d.stp_state = buf.attrU32(o, l); break;
      case C.IFLA_BR_PRIORITY: d.priority = buf.attrU16(o, l); break;
      case C.IFLA_BR_VLAN_FILTERING: d.vlan_filtering = buf.attrU8(o, l); break;
      case C.IFLA_BR_VLAN_PROTOCOL: d.vlan_protocol = vlanProtocolName(buf.attrBe16(o, l)); break;
      case C.IFLA_BR_BRIDGE_ID: d.bridge_id = bridgeId(b, o, l); break;
      // ip 6.1 prints root_id from IFLA_BR_BRIDGE_ID (a bug); this decodes the root's own id.
      case C.IFLA_BR_ROOT_ID: d.root_id = bridgeId(b, o, l); break;
      case C.IFLA_BR_ROOT_PORT: d.root_port = buf.attrU16(o, l); break;
      case C.IFLA_BR_ROOT_PATH_COST: d.root_path_cost = buf.attrU32(o, l); break;
      case C.IFLA_BR_TOPOLOGY_CHANGE: d.topology_change = buf.attrU8(o, l); break;
      case C.IFLA_BR_TOPOLOGY_CHANGE_DETECTED: d.topology_change_detected = buf.attrU8(o, l); break;
      case C.IFLA_BR_HELLO_TIMER: d.hello_timer = timer(buf, o, l); break;
      case C.IFLA_BR_TCN_TIMER: d.tcn_timer = timer(buf, o, l); break;
      case C.IFLA_BR_TOPOLOGY_CHANGE_TIMER: d.topology_change_timer = timer(buf, o, l); break;
      case C.IFLA_BR_GC_TIMER: d.gc_timer = timer(buf, o, l); break;
      case C.IFLA_BR_VLAN_DEFAULT_PVID: d.vlan_default_pvid = buf.attrU16(o, l); break;
      case C.IFLA_BR_VLAN_STATS_ENABLED: d.vlan_stats_enabled = buf.attrU8(o, l); break;
      case C.IFLA_BR_VLAN_STATS_PER_PORT: d.vlan_stats_per_port = buf.attrU8(o, l); break;
      case C.IFLA_BR_GROUP_FWD_MASK: d.group_fwd_mask = hex0x(buf.attrU16(o, l)); break;
      case C.IFLA_BR_GROUP_ADDR: d.group_addr = formatHardwareAddress(b, o, l); break;
      case C.IFLA_BR_MCAST_SNOOPING: d.mcast_snooping = buf.attrU8(o, l); break;
      case C.IFLA_BR_MULTI_BOOLOPT: {
        if (l < 8) { (d.raw ??= []).push(rawAttribute(buf, t, o, l, rt)); break; }
        const val = buf.u32(o), mask = buf.u32(o + 4);
        const ll = 1 << C.BR_BOOLOPT_NO_LL_LEARN, vs = 1 << C.BR_BOOLOPT_MCAST_VLAN_SNOOPING;
        if (mask & ll) d.no_linklocal_learn = val & ll ? 1 : 0;
        if (mask & vs) d.mcast_vlan_snooping = val & vs ? 1 : 0;
        // Options ip 6.1 does not print (mst_enabled...) stay visible in raw.
        if (mask & ~(ll | vs)) (d.raw ??= []).push(rawAttribute(buf, t, o, l, rt));
        break;
      }
      case C.IFLA_BR_MCAST_ROUTER: d.mcast_router = buf.attrU8(o, l); break;
      case C.IFLA_BR_MCAST_QUERY_USE_IFADDR: d.mcast_query_use_ifaddr = buf.attrU8(o, l); break;
      case C.IFLA_BR_MCAST_QUERIER: d.mcast_querier = buf.attrU8(o, l); break;
      case C.IFLA_BR_MCAST_HASH_ELASTICITY: d.mcast_hash_elasticity = buf.attrU32(o, l); break;
      case C.IFLA_BR_MCAST_HASH_MAX: d.mcast_hash_max = buf.attrU32(o, l); break;
      case C.IFLA_BR_MCAST_LAST_MEMBER_CNT: d.mcast_last_member_cnt = buf.attrU32(o, l); break;
      case C.IFLA_BR_MCAST_STARTUP_QUERY_CNT: d.mcast_startup_query_cnt = buf.attrU32(o, l); break;
      case C.IFLA_BR_MCAST_LAST_MEMBER_INTVL: d.mcast_last_member_intvl = buf.attrU64n(o, l); break;
      case C.IFLA_BR_MCAST_MEMBERSHIP_INTVL: d.mcast_membership_intvl = buf.attrU64n(o, l); break;
      case C.IFLA_BR_MCAST_QUERIER_INTVL: d.mcast_querier_intvl = buf.attrU64n(o, l); break;
      case C.IFLA_BR_MCAST_QUERY_INTVL: d.mcast_query_intvl = buf.attrU64n(o, l); break;
      case C.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: d.mcast_query_response_intvl = buf.attrU64n(o, l); break;
      case C.IFLA_BR_MCAST_STARTUP_QUERY_INTVL: d.mcast_startup_query_intvl = buf.attrU64n(o, l); break;
      case C.IFLA_BR_MCAST_STATS_ENABLED: d.mcast_stats_enabled = buf.attrU8(o, l); break;
      case C.IFLA_BR_MCAST_IGMP_VERSION: d.mcast_igmp_version = buf.attrU8(o, l); break;
      case C.IFLA_BR_MCAST_MLD_VERSION: d.mcast_mld_version = buf.attrU8(o, l); break;
      case C.IFLA_BR_NF_CALL_IPTABLES: d.nf_call_iptables = buf.attrU8(o, l); break;
      case C.IFLA_BR_NF_CALL_IP6TABLES: d.nf_call_ip6tables = buf.attrU8(o, l); break;
      case C.IFLA_BR_NF_CALL_ARPTABLES: d.nf_call_arptables = buf.attrU8(o, l); break;
      default: (d.raw ??= []).push(rawAttribute(buf, t, o, l, rt));
    }
  });
  return d;
}

const FWD_MASK_NAMES: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

function fwdMaskString(mask: number): string {
  const parts: string[] = [];
  for (let i = 0; mask >> i; i++) {
    if ((mask >> i) & 1) parts.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
  }
  return parts.length ? parts.join(',') : '0x0';
}

export function decodeBridgePortData(buf: NetlinkBuffer, off: number, len: number): BridgePortInfoData {
  const d: BridgePortInfoData = {};
  const b = buf.bytes;
  const bool = (o: number, l: number): boolean => buf.attrU8(o, l) !== 0;
  walkNested(buf, off, len, 3, (t, o, l, rt) => {
    switch (t) {
      case C.IFLA_BRPORT_STATE: {
        const s = buf.attrU8(o, l);
        if (s < C.BR_STATE_NAMES.length) d.state = C.BR_STATE_NAMES[s];
        else d.state_index = s;
        break;
      }
      case C.IFLA_BRPORT_PRIORITY: d.priority = buf.attrU16(o, l); break;
      case C.IFLA_BRPORT_COST: d.cost = buf.attrU32(o, l); break;
      case C.IFLA_BRPORT_MODE: d.hairpin = bool(o, l); break;
      case C.IFLA_BRPORT_GUARD: d.guard = bool(o, l); break;
      case C.IFLA_BRPORT_PROTECT: d.root_block = bool(o, l); break;
      case C.IFLA_BRPORT_FAST_LEAVE: d.fastleave = bool(o, l); break;
      case C.IFLA_BRPORT_LEARNING: d.learning = bool(o, l); break;
      case C.IFLA_BRPORT_UNICAST_FLOOD: d.flood = bool(o, l); break;
      case C.IFLA_BRPORT_ID: d.id = hex0x(buf.attrU16(o, l)); break;
      case C.IFLA_BRPORT_NO: d.no = hex0x(buf.attrU16(o, l)); break;
      case C.IFLA_BRPORT_DESIGNATED_PORT: d.designated_port = buf.attrU16(o, l); break;
      case C.IFLA_BRPORT_DESIGNATED_COST: d.designated_cost = buf.attrU16(o, l); break;
      case C.IFLA_BRPORT_BRIDGE_ID: d.bridge_id = bridgeId(b, o, l); break;
      case C.IFLA_BRPORT_ROOT_ID: d.root_id = bridgeId(b, o, l); break;
      case C.IFLA_BRPORT_HOLD_TIMER: d.hold_timer = timer(buf, o, l); break;
      case C.IFLA_BRPORT_MESSAGE_AGE_TIMER: d.message_age_timer = timer(buf, o, l); break;
      case C.IFLA_BRPORT_FORWARD_DELAY_TIMER: d.forward_delay_timer = timer(buf, o, l); break;
      case C.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: d.topology_change_ack = buf.attrU8(o, l); break;
      case C.IFLA_BRPORT_CONFIG_PENDING: d.config_pending = buf.attrU8(o, l); break;
      case C.IFLA_BRPORT_PROXYARP: d.proxy_arp = bool(o, l); break;
      case C.IFLA_BRPORT_PROXYARP_WIFI: d.proxy_arp_wifi = bool(o, l); break;
      case C.IFLA_BRPORT_MULTICAST_ROUTER: d.multicast_router = buf.attrU8(o, l); break;
      case C.IFLA_BRPORT_MCAST_FLOOD: d.mcast_flood = bool(o, l); break;
      case C.IFLA_BRPORT_BCAST_FLOOD: d.bcast_flood = bool(o, l); break;
      case C.IFLA_BRPORT_MCAST_TO_UCAST: d.mcast_to_unicast = bool(o, l); break;
      case C.IFLA_BRPORT_NEIGH_SUPPRESS: d.neigh_suppress = bool(o, l); break;
      case C.IFLA_BRPORT_GROUP_FWD_MASK: {
        const m = buf.attrU16(o, l);
        d.group_fwd_mask = hex0x(m);
        d.group_fwd_mask_str = fwdMaskString(m);
        break;
      }
      case C.IFLA_BRPORT_VLAN_TUNNEL: d.vlan_tunnel = bool(o, l); break;
      case C.IFLA_BRPORT_ISOLATED: d.isolated = bool(o, l); break;
      case C.IFLA_BRPORT_LOCKED: d.locked = bool(o, l); break;
      case C.IFLA_BRPORT_BACKUP_PORT: d.backup_port = buf.attrU32(o, l); break;
      default: (d.raw ??= []).push(rawAttribute(buf, t, o, l, rt));
    }
  });
  return d;
}

function isMulticastV4(b: Uint8Array, o: number): boolean {
  return (b[o]! & 0xf0) === 0xe0;
}

export function decodeVxlanData(buf: NetlinkBuffer, off: number, len: number): VxlanInfoData {
  const d: VxlanInfoData = {};
  const b = buf.bytes;
  let group4 = -1, group6 = -1, local4 = -1, local6 = -1, ttl: number | undefined, ttlInherit = false, tos = 0;
  walkNested(buf, off, len, 3, (t, o, l, rt) => {
    switch (t) {
      case C.IFLA_VXLAN_COLLECT_METADATA: if (buf.attrU8(o, l)) d.external = true; break;
      case C.IFLA_VXLAN_VNIFILTER: if (buf.attrU8(o, l)) d.vnifilter = true; break;
      case C.IFLA_VXLAN_ID: if (l >= 4) d.id = buf.attrU32(o, l); break;
      case C.IFLA_VXLAN_GROUP: if (l >= 4) group4 = o; break;
      case C.IFLA_VXLAN_GROUP6: if (l >= 16) group6 = o; break;
      case C.IFLA_VXLAN_LOCAL: if (l >= 4) local4 = o; break;
      case C.IFLA_VXLAN_LOCAL6: if (l >= 16) local6 = o; break;
      case C.IFLA_VXLAN_LINK: { const v = buf.attrU32(o, l); if (v) d.link = v; break; }
      case C.IFLA_VXLAN_PORT_RANGE:
        if (l >= 4) d.port_range = { low: buf.be16(o), high: buf.be16(o + 2) };
        break;
      case C.IFLA_VXLAN_PORT: d.port = buf.attrBe16(o, l); break;
      case C.IFLA_VXLAN_LEARNING: d.learning = buf.attrU8(o, l) !== 0; break;
      case C.IFLA_VXLAN_PROXY: if (buf.attrU8(o, l)) d.proxy = true; break;
      case C.IFLA_VXLAN_RSC: if (buf.attrU8(o, l)) d.rsc = true; break;
      case C.IFLA_VXLAN_L2MISS: if (buf.attrU8(o, l)) d.l2miss = true; break;
      case C.IFLA_VXLAN_L3MISS: if (buf.attrU8(o, l)) d.l3miss = true; break;
      case C.IFLA_VXLAN_TOS: tos = buf.attrU8(o, l); break;
      case C.IFLA_VXLAN_TTL: ttl = buf.attrU8(o, l); break;
      // Requests must send a flag (the policy is NLA_FLAG) but replies carry a u8 (vxlan_fill_info).
      case C.IFLA_VXLAN_TTL_INHERIT: ttlInherit = l === 0 || buf.u8(o) !== 0; break;
      case C.IFLA_VXLAN_DF: {
        const v = buf.attrU8(o, l);
        if (v === C.VXLAN_DF_UNSET) d.df = 'unset';
        else if (v === C.VXLAN_DF_SET) d.df = 'set';
        else if (v === C.VXLAN_DF_INHERIT) d.df = 'inherit';
        break;
      }
      case C.IFLA_VXLAN_LABEL: { const v = buf.attrBe32(o, l); if (v) d.label = hex0x(v); break; }
      case C.IFLA_VXLAN_AGEING: d.ageing = buf.attrU32(o, l); break;
      case C.IFLA_VXLAN_LIMIT: { const v = buf.attrU32(o, l); if (v) d.limit = v; break; }
      case C.IFLA_VXLAN_UDP_CSUM: d.udp_csum = buf.attrU8(o, l) !== 0; break;
      case C.IFLA_VXLAN_UDP_ZERO_CSUM6_TX: d.udp_zero_csum6_tx = buf.attrU8(o, l) !== 0; break;
      case C.IFLA_VXLAN_UDP_ZERO_CSUM6_RX: d.udp_zero_csum6_rx = buf.attrU8(o, l) !== 0; break;
      case C.IFLA_VXLAN_REMCSUM_TX: if (buf.attrU8(o, l)) d.remcsum_tx = true; break;
      case C.IFLA_VXLAN_REMCSUM_RX: if (buf.attrU8(o, l)) d.remcsum_rx = true; break;
      case C.IFLA_VXLAN_GBP: d.gbp = true; break;
      case C.IFLA_VXLAN_GPE: d.gpe = true; break;
      default: (d.raw ??= []).push(rawAttribute(buf, t, o, l, rt));
    }
  });
  // ip prints a v4 group (if non-zero) in preference to a v6 one; multicast -> group, else remote.
  if (group4 >= 0) {
    if (b[group4] || b[group4 + 1] || b[group4 + 2] || b[group4 + 3]) {
      if (isMulticastV4(b, group4)) d.group = formatIP(b, group4, 4);
      else d.remote = formatIP(b, group4, 4);
    }
  } else if (group6 >= 0 && !isZero(b, group6, 16)) {
    if (b[group6] === 0xff) d.group6 = formatIP(b, group6, 16);
    else d.remote6 = formatIP(b, group6, 16);
  }
  if (local4 >= 0) {
    if (!isZero(b, local4, 4)) d.local = formatIP(b, local4, 4);
  } else if (local6 >= 0 && !isZero(b, local6, 16)) {
    d.local6 = formatIP(b, local6, 16);
  }
  if (tos) d.tos = hex0x(tos);
  if (ttlInherit) d.ttl_inherit = true;
  else if (ttl !== undefined) d.ttl = ttl;
  return reorderVxlan(d);
}

// Keys in ip's print order, so JSON.stringify of both reads the same.
const VXLAN_ORDER = ['external', 'vnifilter', 'id', 'group', 'remote', 'group6', 'remote6', 'local', 'local6', 'link',
  'port_range', 'port', 'learning', 'proxy', 'rsc', 'l2miss', 'l3miss', 'tos', 'ttl', 'ttl_inherit', 'df', 'label',
  'ageing', 'limit', 'udp_csum', 'udp_zero_csum6_tx', 'udp_zero_csum6_rx', 'remcsum_tx', 'remcsum_rx', 'gbp', 'gpe', 'raw'] as const;

function reorderVxlan(d: VxlanInfoData): VxlanInfoData {
  const out: Record<string, unknown> = {};
  for (const k of VXLAN_ORDER) if (d[k] !== undefined) out[k] = d[k];
  return out as VxlanInfoData;
}

function isZero(b: Uint8Array, off: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[off + i]) return false;
  return true;
}

export function decodeMacvlanData(buf: NetlinkBuffer, off: number, len: number): MacvlanInfoData {
  const d: MacvlanInfoData = {};
  let mode = -1, flags = 0, count = -1, dataOff = -1, dataLen = 0;
  let bc: number | undefined, bcUsed: number | undefined;
  walkNested(buf, off, len, 3, (t, o, l, rt) => {
    switch (t) {
      case C.IFLA_MACVLAN_MODE: if (l >= 4) mode = buf.attrU32(o, l); break;
      case C.IFLA_MACVLAN_FLAGS: if (l >= 2) flags = buf.attrU16(o, l); break;
      case C.IFLA_MACVLAN_MACADDR_COUNT: if (l >= 4) count = buf.attrU32(o, l); break;
      case C.IFLA_MACVLAN_MACADDR_DATA: dataOff = o; dataLen = l; break;
      case C.IFLA_MACVLAN_BC_QUEUE_LEN: if (l >= 4) bc = buf.attrU32(o, l); break;
      case C.IFLA_MACVLAN_BC_QUEUE_LEN_USED: if (l >= 4) bcUsed = buf.attrU32(o, l); break;
      default: (d.raw ??= []).push(rawAttribute(buf, t, o, l, rt));
    }
  });
  if (mode < 0) return d;
  d.mode = C.MACVLAN_MODE_NAMES.get(mode) ?? 'unknown';
  if (flags & C.MACVLAN_FLAG_NOPROMISC) d.nopromisc = true;
  if (flags & C.MACVLAN_FLAG_NODST) d.nodst = true;
  if (bc !== undefined) d.bcqueuelen = bc;
  if (bcUsed !== undefined) d.usedbcqueuelen = bcUsed;
  if (mode === C.MACVLAN_MODE_SOURCE && count >= 0) {
    d.macaddr_count = count;
    if (dataOff >= 0) {
      const macs: string[] = [];
      walkNested(buf, dataOff, dataLen, 4, (t, o, l) => {
        if (t === C.IFLA_MACVLAN_MACADDR && l >= 6) macs.push(formatHardwareAddress(buf.bytes, o, 6));
      });
      d.macaddr_data = macs;
    }
  }
  return d;
}

export function decodeVlanData(buf: NetlinkBuffer, off: number, len: number): VlanInfoData {
  const d: VlanInfoData = {};
  walkNested(buf, off, len, 3, (t, o, l, rt) => {
    switch (t) {
      case C.IFLA_VLAN_PROTOCOL: d.protocol = vlanProtocolName(buf.attrBe16(o, l)); break;
      case C.IFLA_VLAN_ID: d.id = buf.attrU16(o, l); break;
      default: (d.raw ??= []).push(rawAttribute(buf, t, o, l, rt));
    }
  });
  return d;
}
