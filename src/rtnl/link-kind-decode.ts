// IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA of the kinds ip prints in its own vocabulary (bridge,
// bridge port, vxlan, macvlan/macvtap, vlan): the attributes are decoded by the rt-link tables
// (link-decode-spec.ts); this is presentation only: ip's keys, value formats and order.
import { formatHardwareAddress, formatIP } from '../netlink/address.js';
import { NetlinkBuffer, type RawAttribute } from '../netlink/reader.js';
import * as C from './constants.js';
import type { BridgeInfoData, BridgePortInfoData, MacvlanInfoData, VlanInfoData, VxlanInfoData } from './link-types.js';
import { hex0x, vlanProtocolName } from './link-format.js';
import { linkDecodeFamily } from './link-decode-spec.js';

type Decoded = Record<string, unknown>;
type Out = Record<string, unknown>;
/** How one decoded attribute is shown: under another key, or by a function writing the keys. */
type Shown = string | ((out: Out, v: unknown) => void);

/** Keys in the order the attributes came, each shown by its entry; `$raw` becomes `raw` (unless the table says). */
function present(d: Decoded, table: Readonly<Record<string, Shown>>): Out {
  const out: Out = {};
  for (const k in d) {
    const v = d[k];
    const s = table[k];
    if (k === '$raw' && s === undefined) { out.raw = v; continue; }
    if (typeof s === 'string') out[s] = v;
    else if (s) s(out, v);
  }
  return out;
}

const num = (v: unknown): number => Number(v as bigint | number);
/** A bridge timer (u64 centiseconds, i.e. USER_HZ ticks) in seconds, as ip prints "%i.%.2i". */
const timer = (key: string): Shown => (o, v) => { o[key] = num(v) / 100; };
const u64 = (key: string): Shown => (o, v) => { o[key] = num(v); };
const hex = (key: string): Shown => (o, v) => { o[key] = hex0x(v as number); };
const bool = (key: string): Shown => (o, v) => { o[key] = v !== 0; };
const mac = (key: string): Shown => (o, v) => { o[key] = macText(v); };

/** A hint-mac value: text, or bytes when its length is no address's (ip prints those too). */
function macText(v: unknown): string {
  return typeof v === 'string' ? v : formatHardwareAddress(v as Uint8Array);
}

/** br_dump_bridge_id: "%.2x%.2x." then ether_ntoa_r, which does not zero-pad ("8000.6e:a8:3:32:73:ff"). */
const bridgeId = (key: string): Shown => (o, v) => {
  const id = v as { prio?: string; addr?: string | Uint8Array };
  const addr = typeof id.addr === 'string' ? id.addr.split(':').map((x) => parseInt(x, 16).toString(16)).join(':') : '';
  o[key] = id.addr === undefined ? (id.prio ?? '').replace(/(..)(?=.)/g, '$1:') : `${id.prio}.${addr}`;
};

const BRIDGE: Record<string, Shown> = {
  'forward-delay': 'forward_delay', 'hello-time': 'hello_time', 'max-age': 'max_age', 'ageing-time': 'ageing_time',
  'stp-state': 'stp_state', priority: 'priority', 'vlan-filtering': 'vlan_filtering',
  'vlan-protocol': (o, v) => { o.vlan_protocol = vlanProtocolName(v as number); },
  'bridge-id': bridgeId('bridge_id'),
  // ip 6.1 prints root_id from IFLA_BR_BRIDGE_ID (a bug); this shows the root's own id.
  'root-id': bridgeId('root_id'),
  'root-port': 'root_port', 'root-path-cost': 'root_path_cost', 'topology-change': 'topology_change',
  'topology-change-detected': 'topology_change_detected', 'hello-timer': timer('hello_timer'), 'tcn-timer': timer('tcn_timer'),
  'topology-change-timer': timer('topology_change_timer'), 'gc-timer': timer('gc_timer'), 'vlan-default-pvid': 'vlan_default_pvid',
  'vlan-stats-enabled': 'vlan_stats_enabled', 'vlan-stats-per-port': 'vlan_stats_per_port', 'group-fwd-mask': hex('group_fwd_mask'),
  'group-addr': mac('group_addr'), 'mcast-snooping': 'mcast_snooping', 'mcast-router': 'mcast_router',
  'mcast-query-use-ifaddr': 'mcast_query_use_ifaddr', 'mcast-querier': 'mcast_querier', 'mcast-hash-elasticity': 'mcast_hash_elasticity',
  'mcast-hash-max': 'mcast_hash_max', 'mcast-last-member-cnt': 'mcast_last_member_cnt', 'mcast-startup-query-cnt': 'mcast_startup_query_cnt',
  'mcast-last-member-intvl': u64('mcast_last_member_intvl'), 'mcast-membership-intvl': u64('mcast_membership_intvl'),
  'mcast-querier-intvl': u64('mcast_querier_intvl'), 'mcast-query-intvl': u64('mcast_query_intvl'),
  'mcast-query-response-intvl': u64('mcast_query_response_intvl'), 'mcast-startup-query-intvl': u64('mcast_startup_query_intvl'),
  'mcast-stats-enabled': 'mcast_stats_enabled', 'mcast-igmp-version': 'mcast_igmp_version', 'mcast-mld-version': 'mcast_mld_version',
  'nf-call-iptables': 'nf_call_iptables', 'nf-call-ip6-tables': 'nf_call_ip6tables', 'nf-call-arptables': 'nf_call_arptables',
  $raw: (o, v) => boolopts(o, v as RawAttribute[]),
};

const NO_LL = 1 << C.BR_BOOLOPT_NO_LL_LEARN, VLAN_SNOOPING = 1 << C.BR_BOOLOPT_MCAST_VLAN_SNOOPING;

/**
 * IFLA_BR_MULTI_BOOLOPT (struct br_boolopt_multi, decoded by its spec struct) shows the two
 * options ip 6.1 prints; the attribute stays in raw (whole, as it came) when it carries others
 * (mst_enabled...) or is too short to be one. Its keys come where the raw list starts, which is
 * where the kernel puts the attribute (br_fill_info: after group_addr, before fdb_n_learned).
 */
function boolopts(o: Out, raw: RawAttribute[]): void {
  let kept = raw;
  for (const r of raw) {
    if (r.type !== C.IFLA_BR_MULTI_BOOLOPT || r.data.length < 8) continue;
    const s = linkDecodeFamily().struct('br-boolopt-multi').decode(new NetlinkBuffer(r.data), 0, r.data.length);
    const val = s.optval as number, mask = s.optmask as number;
    if (mask & NO_LL) o.no_linklocal_learn = val & NO_LL ? 1 : 0;
    if (mask & VLAN_SNOOPING) o.mcast_vlan_snooping = val & VLAN_SNOOPING ? 1 : 0;
    if (!(mask & ~(NO_LL | VLAN_SNOOPING))) kept = kept.filter((x) => x !== r);
  }
  if (kept.length) o.raw = kept;
}

export function presentBridgeData(d: Decoded): BridgeInfoData {
  return present(d, BRIDGE) as BridgeInfoData;
}

const FWD_MASK_NAMES: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

function fwdMaskString(mask: number): string {
  const parts: string[] = [];
  for (let i = 0; mask >> i; i++) {
    if ((mask >> i) & 1) parts.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
  }
  return parts.length ? parts.join(',') : '0x0';
}

const BRPORT: Record<string, Shown> = {
  state: (o, v) => {
    const s = v as number;
    if (s < C.BR_STATE_NAMES.length) o.state = C.BR_STATE_NAMES[s];
    else o.state_index = s;
  },
  priority: 'priority', cost: 'cost', mode: bool('hairpin'), guard: bool('guard'), protect: bool('root_block'),
  'fast-leave': bool('fastleave'), learning: bool('learning'), 'unicast-flood': bool('flood'), id: hex('id'), no: hex('no'),
  'designated-port': 'designated_port', 'designated-cost': 'designated_cost', 'bridge-id': bridgeId('bridge_id'),
  'root-id': bridgeId('root_id'), 'hold-timer': timer('hold_timer'), 'message-age-timer': timer('message_age_timer'),
  'forward-delay-timer': timer('forward_delay_timer'), 'topology-change-ack': 'topology_change_ack', 'config-pending': 'config_pending',
  proxyarp: bool('proxy_arp'), 'proxyarp-wifi': bool('proxy_arp_wifi'), 'multicast-router': 'multicast_router',
  'mcast-flood': bool('mcast_flood'), 'bcast-flood': bool('bcast_flood'), 'mcast-to-ucast': bool('mcast_to_unicast'),
  'neigh-suppress': bool('neigh_suppress'),
  'group-fwd-mask': (o, v) => { o.group_fwd_mask = hex0x(v as number); o.group_fwd_mask_str = fwdMaskString(v as number); },
  'vlan-tunnel': bool('vlan_tunnel'), isolated: bool('isolated'), locked: bool('locked'), 'backup-port': 'backup_port',
};

export function presentBridgePortData(d: Decoded): BridgePortInfoData {
  return present(d, BRPORT) as BridgePortInfoData;
}

const isZero = (b: Uint8Array, n: number): boolean => { for (let i = 0; i < n; i++) if (b[i]) return false; return true; };
const flagOn = (key: string): Shown => (o, v) => { if (v) o[key] = true; };

// Keys in ip's print order (print_opt in ip/iplink_vxlan.c), so JSON.stringify of both reads the same.
const VXLAN_ORDER = ['external', 'vnifilter', 'id', 'group', 'remote', 'group6', 'remote6', 'local', 'local6', 'link',
  'port_range', 'port', 'learning', 'proxy', 'rsc', 'l2miss', 'l3miss', 'tos', 'ttl', 'ttl_inherit', 'df', 'label',
  'ageing', 'limit', 'udp_csum', 'udp_zero_csum6_tx', 'udp_zero_csum6_rx', 'remcsum_tx', 'remcsum_rx', 'gbp', 'gpe', 'raw'] as const;
const DF_NAMES = ['unset', 'set', 'inherit'] as const;

const VXLAN: Record<string, Shown> = {
  'collect-metadata': flagOn('external'), vnifilter: flagOn('vnifilter'), id: 'id',
  link: (o, v) => { if (v) o.link = v; },
  'port-range': (o, v) => {
    const r = v as { low?: number; high?: number };
    if (r.high !== undefined) o.port_range = { low: r.low, high: r.high };
  },
  port: 'port', learning: bool('learning'), proxy: flagOn('proxy'), rsc: flagOn('rsc'), l2miss: flagOn('l2miss'),
  l3miss: flagOn('l3miss'), tos: (o, v) => { o.tos = v ? hex0x(v as number) : undefined; }, ttl: 'ttl',
  'ttl-inherit': (o, v) => { const b = v as Uint8Array; o.ttl_inherit = b.length === 0 || b[0] !== 0; },
  df: (o, v) => { o.df = DF_NAMES[v as number]; },
  label: (o, v) => { o.label = v ? hex0x(v as number) : undefined; },
  ageing: 'ageing', limit: (o, v) => { if (v) o.limit = v; },
  'udp-csum': bool('udp_csum'), 'udp-zero-csum6-tx': bool('udp_zero_csum6_tx'), 'udp-zero-csum6-rx': bool('udp_zero_csum6_rx'),
  'remcsum-tx': flagOn('remcsum_tx'), 'remcsum-rx': flagOn('remcsum_rx'), gbp: flagOn('gbp'), gpe: flagOn('gpe'),
  group: (o, v) => { if ((v as Uint8Array).length >= 4) o.$group4 = v; },
  group6: (o, v) => { if ((v as Uint8Array).length >= 16) o.$group6 = v; },
  local: (o, v) => { if ((v as Uint8Array).length >= 4) o.$local4 = v; },
  local6: (o, v) => { if ((v as Uint8Array).length >= 16) o.$local6 = v; },
};

export function presentVxlanData(d: Decoded): VxlanInfoData {
  const o = present(d, VXLAN);
  // ip prints a v4 group (if non-zero) in preference to a v6 one; multicast -> group, else remote.
  const g4 = o.$group4 as Uint8Array | undefined, g6 = o.$group6 as Uint8Array | undefined;
  const l4 = o.$local4 as Uint8Array | undefined, l6 = o.$local6 as Uint8Array | undefined;
  if (g4) {
    if (!isZero(g4, 4)) o[(g4[0]! & 0xf0) === 0xe0 ? 'group' : 'remote'] = formatIP(g4, 0, 4);
  } else if (g6 && !isZero(g6, 16)) {
    o[g6[0] === 0xff ? 'group6' : 'remote6'] = formatIP(g6, 0, 16);
  }
  if (l4) {
    if (!isZero(l4, 4)) o.local = formatIP(l4, 0, 4);
  } else if (l6 && !isZero(l6, 16)) {
    o.local6 = formatIP(l6, 0, 16);
  }
  // ttl_inherit replaces ttl, as ip prints one or the other.
  if (o.ttl_inherit === true) o.ttl = undefined;
  else o.ttl_inherit = undefined;
  const out: Record<string, unknown> = {};
  for (const k of VXLAN_ORDER) if (o[k] !== undefined) out[k] = o[k];
  return out as VxlanInfoData;
}

export function presentMacvlanData(d: Decoded): MacvlanInfoData {
  const o: MacvlanInfoData = {};
  if (d.$raw) o.raw = d.$raw as RawAttribute[];
  const mode = d.mode as number | undefined;
  if (mode === undefined) return o;
  const flags = (d.flags as number | undefined) ?? 0;
  o.mode = C.MACVLAN_MODE_NAMES.get(mode) ?? 'unknown';
  if (flags & C.MACVLAN_FLAG_NOPROMISC) o.nopromisc = true;
  if (flags & C.MACVLAN_FLAG_NODST) o.nodst = true;
  if (d['bc-queue-len'] !== undefined) o.bcqueuelen = d['bc-queue-len'] as number;
  if (d['bc-queue-len-used'] !== undefined) o.usedbcqueuelen = d['bc-queue-len-used'] as number;
  const count = d['macaddr-count'] as number | undefined;
  if (mode === C.MACVLAN_MODE_SOURCE && count !== undefined) {
    o.macaddr_count = count;
    const data = d['macaddr-data'] as { macaddr?: Uint8Array[] } | undefined;
    if (data) o.macaddr_data = (data.macaddr ?? []).filter((m) => m.length >= 6).map((m) => formatHardwareAddress(m, 0, 6));
  }
  return o;
}

const VLAN: Record<string, Shown> = {
  protocol: (o, v) => {
    const p = typeof v === 'number' ? v : linkDecodeFamily().enumOf('vlan-protocols')!.value.get(v as string)!;
    o.protocol = vlanProtocolName(p);
  },
  id: 'id',
};

export function presentVlanData(d: Decoded): VlanInfoData {
  return present(d, VLAN) as VlanInfoData;
}

// The decoders by bytes, as before the tables: IFLA_INFO_DATA [off, off+len) of one kind.
const decodeBy = (set: string, buf: NetlinkBuffer, off: number, len: number): Decoded =>
  linkDecodeFamily().set(set).decode(buf, off, off + len, 3);
export const decodeBridgeData = (buf: NetlinkBuffer, off: number, len: number): BridgeInfoData =>
  presentBridgeData(decodeBy('linkinfo-bridge-attrs', buf, off, len));
export const decodeBridgePortData = (buf: NetlinkBuffer, off: number, len: number): BridgePortInfoData =>
  presentBridgePortData(decodeBy('linkinfo-brport-attrs', buf, off, len));
export const decodeVxlanData = (buf: NetlinkBuffer, off: number, len: number): VxlanInfoData =>
  presentVxlanData(decodeBy('linkinfo-vxlan-attrs', buf, off, len));
export const decodeMacvlanData = (buf: NetlinkBuffer, off: number, len: number): MacvlanInfoData =>
  presentMacvlanData(decodeBy('linkinfo-macvlan-attrs', buf, off, len));
export const decodeVlanData = (buf: NetlinkBuffer, off: number, len: number): VlanInfoData =>
  presentVlanData(decodeBy('linkinfo-vlan-attrs', buf, off, len));
