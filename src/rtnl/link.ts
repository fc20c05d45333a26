// Links (RTM_NEWLINK/DELLINK/GETLINK/SETLINK): struct ifinfomsg plus IFLA_* attributes.
// Decoding yields what `ip -j -d link show` prints, under the same keys and in the same value
// formats, so scripts port from ip unchanged; attributes this decoder does not interpret are
// kept whole in `raw`. Encoding builds the requests for the operations in link-ops.ts. Pure
// functions over bytes: no sockets here.
import { NLA_F_NESTED, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../netlink/constants.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import { formatHardwareAddress, formatIP } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkBuffer, rawAttribute, walkNested, type RawAttribute } from '../netlink/reader.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';

// ============================================================================================
// Decoded form

/** Bridge options (IFLA_INFO_DATA of kind bridge), as `ip -j -d` prints them. */
export interface BridgeInfoData {
  forward_delay?: number;
  hello_time?: number;
  max_age?: number;
  ageing_time?: number;
  stp_state?: number;
  priority?: number;
  vlan_filtering?: number;
  vlan_protocol?: string;
  bridge_id?: string;
  root_id?: string;
  root_port?: number;
  root_path_cost?: number;
  topology_change?: number;
  topology_change_detected?: number;
  /** Timers in seconds with centisecond resolution, as ip prints them. */
  hello_timer?: number;
  tcn_timer?: number;
  topology_change_timer?: number;
  gc_timer?: number;
  vlan_default_pvid?: number;
  vlan_stats_enabled?: number;
  vlan_stats_per_port?: number;
  /** Hex text as ip prints it ("0" or "0x4000"). */
  group_fwd_mask?: string;
  group_addr?: string;
  mcast_snooping?: number;
  no_linklocal_learn?: number;
  mcast_vlan_snooping?: number;
  mcast_router?: number;
  mcast_query_use_ifaddr?: number;
  mcast_querier?: number;
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
  mcast_stats_enabled?: number;
  mcast_igmp_version?: number;
  mcast_mld_version?: number;
  nf_call_iptables?: number;
  nf_call_ip6tables?: number;
  nf_call_arptables?: number;
  /** IFLA_BR_* attributes not decoded above. */
  raw?: RawAttribute[];
}

/** Bridge port options (IFLA_INFO_SLAVE_DATA with slave kind bridge). */
export interface BridgePortInfoData {
  state?: string;
  state_index?: number;
  priority?: number;
  cost?: number;
  hairpin?: boolean;
  guard?: boolean;
  root_block?: boolean;
  fastleave?: boolean;
  learning?: boolean;
  flood?: boolean;
  id?: string;
  no?: string;
  designated_port?: number;
  designated_cost?: number;
  bridge_id?: string;
  root_id?: string;
  hold_timer?: number;
  message_age_timer?: number;
  forward_delay_timer?: number;
  topology_change_ack?: number;
  config_pending?: number;
  proxy_arp?: boolean;
  proxy_arp_wifi?: boolean;
  multicast_router?: number;
  mcast_flood?: boolean;
  bcast_flood?: boolean;
  mcast_to_unicast?: boolean;
  neigh_suppress?: boolean;
  group_fwd_mask?: string;
  group_fwd_mask_str?: string;
  vlan_tunnel?: boolean;
  isolated?: boolean;
  locked?: boolean;
  /** Name when resolvable (see resolveLinkNames), else the index. */
  backup_port?: string | number;
  raw?: RawAttribute[];
}

export interface VxlanInfoData {
  external?: boolean;
  vnifilter?: boolean;
  id?: number;
  group?: string;
  remote?: string;
  group6?: string;
  remote6?: string;
  local?: string;
  local6?: string;
  /** Lower device: name when resolvable, else the index. */
  link?: string | number;
  port_range?: { low: number; high: number };
  port?: number;
  learning?: boolean;
  proxy?: boolean;
  rsc?: boolean;
  l2miss?: boolean;
  l3miss?: boolean;
  tos?: string;
  ttl?: number;
  df?: 'unset' | 'set' | 'inherit';
  label?: string;
  ageing?: number;
  limit?: number;
  udp_csum?: boolean;
  udp_zero_csum6_tx?: boolean;
  udp_zero_csum6_rx?: boolean;
  remcsum_tx?: boolean;
  remcsum_rx?: boolean;
  gbp?: boolean;
  gpe?: boolean;
  /** Not printed by ip in JSON; kept so a decoded vxlan can be re-created as it was. */
  ttl_inherit?: boolean;
  raw?: RawAttribute[];
}

export interface MacvlanInfoData {
  mode?: string;
  nopromisc?: boolean;
  nodst?: boolean;
  bcqueuelen?: number;
  usedbcqueuelen?: number;
  macaddr_count?: number;
  macaddr_data?: string[];
  raw?: RawAttribute[];
}

export interface VlanInfoData {
  protocol?: string;
  id?: number;
  raw?: RawAttribute[];
}

/** info_data of a kind this decoder does not interpret: its attributes, whole. */
export interface RawInfoData {
  raw: RawAttribute[];
}

interface LinkInfoCommon {
  info_slave_kind?: string;
  info_slave_data?: BridgePortInfoData | RawInfoData;
  /** IFLA_INFO_* attributes not decoded (IFLA_INFO_XSTATS...). */
  raw?: RawAttribute[];
}
export interface VethLinkInfo extends LinkInfoCommon { info_kind: 'veth'; info_data?: RawInfoData }
export interface BridgeLinkInfo extends LinkInfoCommon { info_kind: 'bridge'; info_data?: BridgeInfoData }
export interface VxlanLinkInfo extends LinkInfoCommon { info_kind: 'vxlan'; info_data?: VxlanInfoData }
export interface MacvlanLinkInfo extends LinkInfoCommon { info_kind: 'macvlan' | 'macvtap'; info_data?: MacvlanInfoData }
export interface VlanLinkInfo extends LinkInfoCommon { info_kind: 'vlan'; info_data?: VlanInfoData }
/** Any other kind (or none: a bridge port without a kind of its own). */
export interface OtherLinkInfo extends LinkInfoCommon { info_kind?: string; info_data?: RawInfoData }
/**
 * IFLA_LINKINFO. Switch on info_kind to narrow info_data ('bridge' -> BridgeInfoData...);
 * the OtherLinkInfo member keeps any kind string possible, so narrowing by a literal also
 * leaves OtherLinkInfo in the union: check `'forward_delay' in info_data` or use the helpers.
 */
export type LinkInfo = VethLinkInfo | BridgeLinkInfo | VxlanLinkInfo | MacvlanLinkInfo | VlanLinkInfo | OtherLinkInfo;

export interface LinkStats64 {
  rx: {
    bytes: number; packets: number; errors: number; dropped: number; over_errors: number; multicast: number;
    compressed: number; length_errors: number; crc_errors: number; frame_errors: number; fifo_errors: number;
    missed_errors: number; nohandler: number; otherhost: number;
  };
  tx: {
    bytes: number; packets: number; errors: number; dropped: number; carrier_errors: number; collisions: number;
    compressed: number; aborted_errors: number; fifo_errors: number; window_errors: number; heartbeat_errors: number;
    carrier_changes?: number;
  };
}

/**
 * A link as `ip -j -d link show` prints it, plus a few fields ip leaves out (marked "extra").
 *
 * Names of other links (master, link, linkinfo.info_data.link, backup_port) need a lookup:
 * decodeLink leaves the indexes (master is a number, `link` unset); list/get in link-ops.ts
 * resolve them with resolveLinkNames, which sets master to the master's name, `link` to the
 * peer's or lower device's name ("ifN" when it is gone, as ip prints it) and adds M-DOWN to
 * flags when that link is down, as ip does.
 */
export interface Link {
  /** extra: the message type this came from. */
  msg: 'newlink' | 'dellink';
  ifindex: number;
  /** extra: IFLA_LINK whenever the kernel sent it (ip prints it only with link_netnsid). */
  link_index?: number;
  /** Same-namespace peer/lower device name; null when IFLA_LINK is 0 (ip prints null too). */
  link?: string | null;
  ifname: string;
  /** ifi_flags as ip lists them: NO-CARRIER, BROADCAST, ..., UP, LOWER_UP, M-DOWN. */
  flags: string[];
  mtu?: number;
  qdisc?: string;
  /** Master's name when resolved, else its ifindex. */
  master?: string | number;
  /** extra: IFLA_MASTER as a number. */
  master_index?: number;
  operstate?: string;
  operstate_index?: number;
  linkmode?: string;
  linkmode_index?: number;
  /** "default" for group 0, else the number as text (iproute2's /etc/iproute2/group). */
  group?: string;
  txqlen?: number;
  link_type: string;
  address?: string;
  broadcast?: string;
  link_pointtopoint?: true;
  permaddr?: string;
  link_netnsid?: number;
  proto_down?: true;
  promiscuity?: number;
  allmulti?: number;
  min_mtu?: number;
  max_mtu?: number;
  linkinfo?: LinkInfo;
  inet6_addr_gen_mode?: string;
  num_tx_queues?: number;
  num_rx_queues?: number;
  gso_max_size?: number;
  gso_max_segs?: number;
  tso_max_size?: number;
  tso_max_segs?: number;
  gro_max_size?: number;
  /** extra (6.3+, ip 6.1 does not print them). */
  gso_ipv4_max_size?: number;
  gro_ipv4_max_size?: number;
  phys_port_name?: string;
  phys_port_id?: string;
  phys_switch_id?: string;
  parentbus?: string;
  parentdev?: string;
  ifalias?: string;
  altnames?: string[];
  /** Only when statistics were asked for (list/get with stats: true); `ip -s -s` keys. */
  stats64?: LinkStats64;
  /** extra: IFLA_CARRIER, IFLA_CARRIER_CHANGES... (ip -d does not print them). */
  carrier?: number;
  carrier_changes?: number;
  carrier_up_count?: number;
  carrier_down_count?: number;
  /** extra: IFLA_NEW_NETNSID / IFLA_NEW_IFINDEX of a RTM_DELLINK sent when a link moved. */
  new_netnsid?: number;
  new_ifindex?: number;
  /** Attributes not decoded above, whole (type, bytes): never dropped. */
  raw: RawAttribute[];
}

// ============================================================================================
// Value formats shared with ip

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** print_0xhex in a JSON context: "%#llx" -> "0" for zero, else "0x..". */
export function hex0x(v: number): string {
  return v === 0 ? '0' : `0x${v.toString(16)}`;
}

/** The flags list `ip` prints for ifi_flags (without M-DOWN, which needs the lower link). */
export function linkFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & C.IFF_UP && !(flags & C.IFF_RUNNING)) out.push('NO-CARRIER');
  let rest = flags & ~C.IFF_RUNNING;
  for (const [bit, name] of C.IFF_PRINT_ORDER) {
    if (rest & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push((rest >>> 0).toString(16));
  return out;
}

/** br_dump_bridge_id: "%.2x%.2x." then ether_ntoa_r, which does not zero-pad ("8000.6e:a8:3:32:73:ff"). */
function bridgeId(b: Uint8Array, off: number, len: number): string {
  if (len < 8) return formatHardwareAddress(b, off, len);
  let s = `${HEX2[b[off]!]}${HEX2[b[off + 1]!]}.`;
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + b[off + 2 + i]!.toString(16);
  return s;
}

/** A bridge timer (u64 centiseconds, i.e. USER_HZ ticks) in seconds, as ip prints "%i.%.2i". */
function timer(buf: NetlinkBuffer, off: number, len: number): number {
  const v = buf.attrU64n(off, len);
  return v / 100;
}

/** Ethernet protocol names ip prints for VLAN protocols (ll_proto_n2a). */
export function vlanProtocolName(proto: number): string {
  if (proto === C.ETH_P_8021Q) return '802.1Q';
  if (proto === C.ETH_P_8021AD) return '802.1ad';
  return `0x${proto.toString(16).padStart(4, '0')}`;
}

function vlanProtocolNumber(name: string | number): number {
  if (typeof name === 'number') return name;
  if (name === '802.1Q' || name === '802.1q') return C.ETH_P_8021Q;
  if (name === '802.1ad' || name === '802.1AD') return C.ETH_P_8021AD;
  return Number(name);
}

function groupName(group: number): string {
  return group === 0 ? 'default' : String(group);
}

const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];

// ============================================================================================
// Decoding

/** struct ifinfomsg. */
export interface IfInfoMsg {
  family: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}

export function decodeIfInfoMsg(buf: NetlinkBuffer, off: number, end: number): IfInfoMsg {
  if (end - off < C.IFINFOMSG_LEN) throw new NetlinkDecodeError(`ifinfomsg needs ${C.IFINFOMSG_LEN} bytes, ${end - off} remain`, off);
  return {
    family: buf.u8(off),
    type: buf.u16(off + 2),
    index: buf.s32(off + 4),
    flags: buf.u32(off + 8),
    change: buf.u32(off + 12),
  };
}

export interface DecodeLinkOptions {
  /**
   * Decode IFLA_STATS64 into stats64. The kernel sends link statistics in every reply
   * (RTEXT_FILTER_SKIP_STATS only drops per-VF statistics), so without this option they are
   * skipped here: not decoded, not copied into raw.
   */
  stats?: boolean;
}

/** Decode one RTM_NEWLINK/RTM_DELLINK message. */
export function decodeLink(m: MessageRef, opts: DecodeLinkOptions = {}): Link {
  return decodeLinkAt(m.buf, m.payloadStart, m.end, m.type === C.RTM_DELLINK ? 'dellink' : 'newlink', opts);
}

/** Decode an ifinfomsg and its attributes in [off, end) (also used for VETH_INFO_PEER). */
export function decodeLinkAt(buf: NetlinkBuffer, off: number, end: number, msg: 'newlink' | 'dellink' = 'newlink', opts: DecodeLinkOptions = {}): Link {
  const wantStats = opts.stats === true;
  const ifi = decodeIfInfoMsg(buf, off, end);
  const link: Link = {
    msg,
    ifindex: ifi.index,
    ifname: '',
    flags: linkFlagNames(ifi.flags),
    link_type: C.ARPHRD_NAMES.get(ifi.type) ?? `[${ifi.type}]`,
    raw: [],
  };
  let hasName = false;
  walkNested(buf, off + C.IFINFOMSG_LEN, end - off - C.IFINFOMSG_LEN, 1, (type, o, len, rawType) => {
    switch (type) {
      case C.IFLA_IFNAME: link.ifname = buf.attrString(o, len); hasName = true; break;
      case C.IFLA_ADDRESS: link.address = formatHardwareAddress(buf.bytes, o, len); break;
      case C.IFLA_BROADCAST: link.broadcast = formatHardwareAddress(buf.bytes, o, len); break;
      case C.IFLA_PERM_ADDRESS: link.permaddr = formatHardwareAddress(buf.bytes, o, len); break;
      case C.IFLA_MTU: link.mtu = buf.attrU32(o, len); break;
      case C.IFLA_LINK: {
        const l = buf.attrU32(o, len);
        if (l === 0) link.link = null;
        else link.link_index = l;
        break;
      }
      case C.IFLA_QDISC: link.qdisc = buf.attrString(o, len); break;
      case C.IFLA_MASTER: link.master = link.master_index = buf.attrU32(o, len); break;
      case C.IFLA_TXQLEN: link.txqlen = buf.attrU32(o, len); break;
      case C.IFLA_OPERSTATE: {
        const s = buf.attrU8(o, len);
        if (s < C.OPERSTATE_NAMES.length) link.operstate = C.OPERSTATE_NAMES[s];
        else link.operstate_index = s;
        break;
      }
      case C.IFLA_LINKMODE: {
        const s = buf.attrU8(o, len);
        if (s < C.LINKMODE_NAMES.length) link.linkmode = C.LINKMODE_NAMES[s];
        else link.linkmode_index = s;
        break;
      }
      case C.IFLA_GROUP: link.group = groupName(buf.attrU32(o, len)); break;
      case C.IFLA_LINK_NETNSID: link.link_netnsid = buf.attrS32(o, len); break;
      case C.IFLA_PROTO_DOWN: if (buf.attrU8(o, len)) link.proto_down = true; break;
      case C.IFLA_PROMISCUITY: link.promiscuity = buf.attrU32(o, len); break;
      case C.IFLA_ALLMULTI: link.allmulti = buf.attrU32(o, len); break;
      case C.IFLA_MIN_MTU: link.min_mtu = buf.attrU32(o, len); break;
      case C.IFLA_MAX_MTU: link.max_mtu = buf.attrU32(o, len); break;
      case C.IFLA_NUM_TX_QUEUES: link.num_tx_queues = buf.attrU32(o, len); break;
      case C.IFLA_NUM_RX_QUEUES: link.num_rx_queues = buf.attrU32(o, len); break;
      case C.IFLA_GSO_MAX_SIZE: link.gso_max_size = buf.attrU32(o, len); break;
      case C.IFLA_GSO_MAX_SEGS: link.gso_max_segs = buf.attrU32(o, len); break;
      case C.IFLA_TSO_MAX_SIZE: link.tso_max_size = buf.attrU32(o, len); break;
      case C.IFLA_TSO_MAX_SEGS: link.tso_max_segs = buf.attrU32(o, len); break;
      case C.IFLA_GRO_MAX_SIZE: link.gro_max_size = buf.attrU32(o, len); break;
      case C.IFLA_GSO_IPV4_MAX_SIZE: link.gso_ipv4_max_size = buf.attrU32(o, len); break;
      case C.IFLA_GRO_IPV4_MAX_SIZE: link.gro_ipv4_max_size = buf.attrU32(o, len); break;
      case C.IFLA_PHYS_PORT_NAME: link.phys_port_name = buf.attrString(o, len); break;
      case C.IFLA_PHYS_PORT_ID: link.phys_port_id = hexString(buf.bytes, o, len); break;
      case C.IFLA_PHYS_SWITCH_ID: link.phys_switch_id = hexString(buf.bytes, o, len); break;
      case C.IFLA_PARENT_DEV_BUS_NAME: link.parentbus = buf.attrString(o, len); break;
      case C.IFLA_PARENT_DEV_NAME: link.parentdev = buf.attrString(o, len); break;
      case C.IFLA_IFALIAS: link.ifalias = buf.attrString(o, len); break;
      case C.IFLA_CARRIER: link.carrier = buf.attrU8(o, len); break;
      case C.IFLA_CARRIER_CHANGES: link.carrier_changes = buf.attrU32(o, len); break;
      case C.IFLA_CARRIER_UP_COUNT: link.carrier_up_count = buf.attrU32(o, len); break;
      case C.IFLA_CARRIER_DOWN_COUNT: link.carrier_down_count = buf.attrU32(o, len); break;
      case C.IFLA_NEW_NETNSID: link.new_netnsid = buf.attrS32(o, len); break;
      case C.IFLA_NEW_IFINDEX: link.new_ifindex = buf.attrS32(o, len); break;
      case C.IFLA_PROP_LIST: {
        const names: string[] = [];
        let other = false;
        walkNested(buf, o, len, 2, (t, o2, l2) => {
          if (t === C.IFLA_ALT_IFNAME) names.push(buf.attrString(o2, l2));
          else other = true;
        });
        link.altnames = names;
        // raw holds attributes of this level only: a property list with more than altnames
        // is kept whole, so nothing of it is lost or lands at the wrong level.
        if (other) link.raw.push(rawAttribute(buf, type, o, len, rawType));
        break;
      }
      case C.IFLA_LINKINFO: link.linkinfo = decodeLinkInfo(buf, o, len); break;
      case C.IFLA_AF_SPEC: {
        const mode = addrGenMode(buf, o, len);
        if (mode !== undefined) link.inet6_addr_gen_mode = mode;
        // The AF_SPEC nest carries much more (IPv4/IPv6 devconf arrays): keep it whole.
        link.raw.push(rawAttribute(buf, type, o, len, rawType));
        break;
      }
      case C.IFLA_STATS64: if (wantStats) link.stats64 = decodeStats64(buf, o, len); break;
      case C.IFLA_STATS: break; // the 32-bit copy of IFLA_STATS64
      default: link.raw.push(rawAttribute(buf, type, o, len, rawType));
    }
  });
  if (!hasName && msg === 'newlink' && off + C.IFINFOMSG_LEN < end) link.ifname = `if${ifi.index}`;
  if (link.stats64 && link.carrier_changes !== undefined) link.stats64.tx.carrier_changes = link.carrier_changes;
  return link;
}

function hexString(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += HEX2[b[off + i]!];
  return s;
}

function addrGenMode(buf: NetlinkBuffer, off: number, len: number): string | undefined {
  let mode: string | undefined;
  walkNested(buf, off, len, 2, (family, o, l) => {
    if (family !== C.AF_INET6) return;
    walkNested(buf, o, l, 3, (t, o2, l2) => {
      if (t !== C.IFLA_INET6_ADDR_GEN_MODE) return;
      const v = buf.attrU8(o2, l2);
      mode = ADDR_GEN_MODES[v] ?? `0x${HEX2[v]}`;
    });
  });
  return mode;
}

function decodeStats64(buf: NetlinkBuffer, off: number, len: number): LinkStats64 | undefined {
  if (len < 23 * 8) return undefined;
  const f = (i: number): number => (i * 8 + 8 <= len ? Number(buf.view.getBigUint64(off + i * 8, true)) : 0);
  // struct rtnl_link_stats64 field order (if_link.h).
  return {
    rx: {
      bytes: f(2), packets: f(0), errors: f(4), dropped: f(6), over_errors: f(11), multicast: f(8),
      compressed: f(21), length_errors: f(10), crc_errors: f(12), frame_errors: f(13), fifo_errors: f(14),
      missed_errors: f(15), nohandler: f(23), otherhost: f(24),
    },
    tx: {
      bytes: f(3), packets: f(1), errors: f(5), dropped: f(7), carrier_errors: f(17), collisions: f(9),
      compressed: f(22), aborted_errors: f(16), fifo_errors: f(18), window_errors: f(20), heartbeat_errors: f(19),
    },
  };
}

function decodeLinkInfo(buf: NetlinkBuffer, off: number, len: number): LinkInfo {
  const info: OtherLinkInfo = {};
  let dataOff = -1, dataLen = 0, slaveOff = -1, slaveLen = 0;
  walkNested(buf, off, len, 2, (type, o, l, rawType) => {
    switch (type) {
      case C.IFLA_INFO_KIND: info.info_kind = buf.attrString(o, l); break;
      case C.IFLA_INFO_SLAVE_KIND: info.info_slave_kind = buf.attrString(o, l); break;
      case C.IFLA_INFO_DATA: dataOff = o; dataLen = l; break;
      case C.IFLA_INFO_SLAVE_DATA: slaveOff = o; slaveLen = l; break;
      default: (info.raw ??= []).push(rawAttribute(buf, type, o, l, rawType));
    }
  });
  if (dataOff >= 0) {
    switch (info.info_kind) {
      case 'bridge': info.info_data = decodeBridgeData(buf, dataOff, dataLen) as RawInfoData; break;
      case 'vxlan': info.info_data = decodeVxlanData(buf, dataOff, dataLen) as RawInfoData; break;
      case 'macvlan': case 'macvtap': info.info_data = decodeMacvlanData(buf, dataOff, dataLen) as RawInfoData; break;
      case 'vlan': info.info_data = decodeVlanData(buf, dataOff, dataLen) as RawInfoData; break;
      default: info.info_data = { raw: rawList(buf, dataOff, dataLen) };
    }
  }
  if (slaveOff >= 0) {
    info.info_slave_data = info.info_slave_kind === 'bridge'
      ? decodeBridgePortData(buf, slaveOff, slaveLen)
      : { raw: rawList(buf, slaveOff, slaveLen) };
  }
  return info;
}

function rawList(buf: NetlinkBuffer, off: number, len: number): RawAttribute[] {
  const out: RawAttribute[] = [];
  walkNested(buf, off, len, 3, (t, o, l, rt) => out.push(rawAttribute(buf, t, o, l, rt)));
  return out;
}

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

// ---- names of other links

/** What resolveLinkNames needs to know about another link in the same namespace. */
export interface LinkRef {
  name: string;
  up: boolean;
}

/**
 * Replace indexes by names the way ip does: master -> name (kept as the index when unknown),
 * link -> name or "ifN", M-DOWN added when the same-namespace lower link is not up (or
 * unknown), vxlan's link and a bridge port's backup_port -> name.
 */
export function resolveLinkNames(link: Link, lookup: (ifindex: number) => LinkRef | undefined): Link {
  if (link.master_index !== undefined) {
    const m = lookup(link.master_index);
    if (m) link.master = m.name;
  }
  if (link.link_index !== undefined && link.link_netnsid === undefined) {
    const l = lookup(link.link_index);
    link.link = l ? l.name : `if${link.link_index}`;
    if ((!l || !l.up) && !link.flags.includes('M-DOWN')) link.flags.push('M-DOWN');
  }
  const info = link.linkinfo;
  if (info?.info_kind === 'vxlan' && info.info_data && typeof (info.info_data as VxlanInfoData).link === 'number') {
    const l = lookup((info.info_data as VxlanInfoData).link as number);
    if (l) (info.info_data as VxlanInfoData).link = l.name;
  }
  const slave = info?.info_slave_data as BridgePortInfoData | undefined;
  if (info?.info_slave_kind === 'bridge' && slave && typeof slave.backup_port === 'number') {
    const l = lookup(slave.backup_port);
    if (l) slave.backup_port = l.name;
  }
  return link;
}

/** Indexes of other links a decoded link refers to (what resolveLinkNames will look up). */
export function referencedIndexes(link: Link): number[] {
  const out: number[] = [];
  if (link.master_index !== undefined) out.push(link.master_index);
  if (link.link_index !== undefined && link.link_netnsid === undefined) out.push(link.link_index);
  const d = link.linkinfo?.info_data as VxlanInfoData | undefined;
  if (link.linkinfo?.info_kind === 'vxlan' && typeof d?.link === 'number') out.push(d.link);
  const s = link.linkinfo?.info_slave_data as BridgePortInfoData | undefined;
  if (typeof s?.backup_port === 'number') out.push(s.backup_port);
  return out;
}

// ============================================================================================
// Encoding

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

/** Attributes common to every link request, already resolved to numbers. */
export interface LinkAttrs {
  name?: string;
  mtu?: number;
  address?: Uint8Array;
  broadcast?: Uint8Array;
  txqlen?: number;
  group?: number;
  master?: number;
  /** IFLA_LINK: lower device (macvlan, vlan) or, on a veth peer, nothing. */
  link?: number;
  ifalias?: string;
  num_tx_queues?: number;
  num_rx_queues?: number;
  gso_max_size?: number;
  gso_max_segs?: number;
  gro_max_size?: number;
  /** IFLA_NET_NS_FD / IFLA_NET_NS_PID: create in (or move to) that namespace. */
  netnsFd?: number;
  netnsPid?: number;
  /** IFLA_LINK_NETNSID for links whose IFLA_LINK lives in another namespace. */
  linkNetnsid?: number;
  /** ifi_flags/ifi_change: set or clear IFF_UP (and others). */
  flags?: number;
  change?: number;
  /** Extra top-level attributes appended as given. */
  attributes?: RawAttribute[];
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

export function writeIfInfoMsg(w: MessageWriter, index: number, flags = 0, change = 0, family = C.AF_UNSPEC, type = 0): void {
  w.u8(family).u8(0).u16(type).s32(index).u32(flags).u32(change);
}

function writeLinkAttrs(w: MessageWriter, a: LinkAttrs): void {
  if (a.name !== undefined) w.attrString(C.IFLA_IFNAME, a.name);
  if (a.address) w.attrBytes(C.IFLA_ADDRESS, a.address);
  if (a.broadcast) w.attrBytes(C.IFLA_BROADCAST, a.broadcast);
  if (a.mtu !== undefined) w.attrU32(C.IFLA_MTU, a.mtu);
  if (a.txqlen !== undefined) w.attrU32(C.IFLA_TXQLEN, a.txqlen);
  if (a.group !== undefined) w.attrU32(C.IFLA_GROUP, a.group);
  if (a.master !== undefined) w.attrU32(C.IFLA_MASTER, a.master);
  if (a.link !== undefined) w.attrU32(C.IFLA_LINK, a.link);
  if (a.linkNetnsid !== undefined) w.attrS32(C.IFLA_LINK_NETNSID, a.linkNetnsid);
  if (a.ifalias !== undefined) w.attrString(C.IFLA_IFALIAS, a.ifalias);
  if (a.num_tx_queues !== undefined) w.attrU32(C.IFLA_NUM_TX_QUEUES, a.num_tx_queues);
  if (a.num_rx_queues !== undefined) w.attrU32(C.IFLA_NUM_RX_QUEUES, a.num_rx_queues);
  if (a.gso_max_size !== undefined) w.attrU32(C.IFLA_GSO_MAX_SIZE, a.gso_max_size);
  if (a.gso_max_segs !== undefined) w.attrU32(C.IFLA_GSO_MAX_SEGS, a.gso_max_segs);
  if (a.gro_max_size !== undefined) w.attrU32(C.IFLA_GRO_MAX_SIZE, a.gro_max_size);
  if (a.netnsFd !== undefined) w.attrU32(C.IFLA_NET_NS_FD, a.netnsFd);
  if (a.netnsPid !== undefined) w.attrU32(C.IFLA_NET_NS_PID, a.netnsPid);
  for (const r of a.attributes ?? []) writeRaw(w, r);
}

export function writeRaw(w: MessageWriter, r: RawAttribute): void {
  let type = r.type;
  if (r.nested) type |= NLA_F_NESTED;
  if (r.netByteOrder) type |= 0x4000;
  w.attrBytes(type, r.data);
}

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

// ---- whole requests

/** Filters the kernel applies itself to a link dump (strict checking). */
export interface LinkDumpFilter {
  kind?: string;
  master?: number;
  /** Include statistics (IFLA_STATS64): off by default, as they are costly for the kernel. */
  stats?: boolean;
  /** Include SR-IOV VF information (RTEXT_FILTER_VF). */
  vf?: boolean;
}

export function extMask(stats?: boolean, vf?: boolean): number {
  return (stats ? 0 : C.RTEXT_FILTER_SKIP_STATS) | (vf ? C.RTEXT_FILTER_VF : 0);
}

/** RTM_GETLINK dump with the kernel-side filters (IFLA_EXT_MASK, IFLA_MASTER, IFLA_LINKINFO/IFLA_INFO_KIND). */
export function encodeLinkDump(filter: LinkDumpFilter = {}, w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(C.RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
  writeIfInfoMsg(w, 0);
  w.attrU32(C.IFLA_EXT_MASK, extMask(filter.stats, filter.vf));
  if (filter.master !== undefined) w.attrU32(C.IFLA_MASTER, filter.master);
  if (filter.kind !== undefined) {
    const li = w.nestStart(C.IFLA_LINKINFO | NLA_F_NESTED);
    w.attrString(C.IFLA_INFO_KIND, filter.kind);
    w.nestEnd(li);
  }
  w.end(start);
  return w.copy();
}

/**
 * RTM_GETLINK for one link by index, or by name (IFLA_IFNAME; IFLA_ALT_IFNAME for longer
 * altnames). `targetNetnsid`: the link is looked up in the namespace the socket's namespace
 * knows by that id (IFLA_TARGET_NETNSID, Linux 4.20+; CAP_NET_ADMIN over that namespace), as a
 * veth's IFLA_LINK_NETNSID names its peer's: no socket inside that namespace is needed.
 */
export function encodeGetLink(ref: number | string, opts: { stats?: boolean; vf?: boolean; targetNetnsid?: number } = {}, w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(C.RTM_GETLINK, NLM_F_REQUEST);
  writeIfInfoMsg(w, typeof ref === 'number' ? ref : 0);
  if (typeof ref === 'string') {
    if (new TextEncoder().encode(ref).length < C.IFNAMSIZ) w.attrString(C.IFLA_IFNAME, ref);
    else w.attrString(C.IFLA_ALT_IFNAME, ref);
  }
  if (opts.targetNetnsid !== undefined) w.attrS32(C.IFLA_TARGET_NETNSID, opts.targetNetnsid);
  w.attrU32(C.IFLA_EXT_MASK, extMask(opts.stats, opts.vf));
  w.end(start);
  return w.copy();
}

/** RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL (as `ip link add`). */
export function encodeNewLink(attrs: LinkAttrs, kind: KindData, w = new MessageWriter(256)): Uint8Array {
  const start = w.begin(C.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  writeIfInfoMsg(w, 0, attrs.flags ?? 0, attrs.change ?? 0);
  writeLinkAttrs(w, attrs);
  writeLinkInfo(w, kind);
  w.end(start);
  return w.copy();
}

/** What a set request changes on an existing link, resolved. */
export interface LinkChange extends LinkAttrs {
  /** Kind options to change (IFLA_LINKINFO with the link's own kind). */
  kindData?: KindData;
  /** Bridge port options (IFLA_LINKINFO { IFLA_INFO_SLAVE_KIND "bridge", IFLA_INFO_SLAVE_DATA }). */
  bridgePort?: BridgePortOptions;
}

/** RTM_NEWLINK without NLM_F_CREATE on an existing index (what `ip link set` sends). */
export function encodeSetLink(index: number, c: LinkChange, w = new MessageWriter(256)): Uint8Array {
  const start = w.begin(C.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
  writeIfInfoMsg(w, index, c.flags ?? 0, c.change ?? 0);
  writeLinkAttrs(w, c);
  if (c.kindData) writeLinkInfo(w, c.kindData);
  if (c.bridgePort) {
    const li = w.nestStart(C.IFLA_LINKINFO | NLA_F_NESTED);
    w.attrString(C.IFLA_INFO_SLAVE_KIND, 'bridge');
    const d = w.nestStart(C.IFLA_INFO_SLAVE_DATA | NLA_F_NESTED);
    writeBridgePortOptions(w, c.bridgePort);
    w.nestEnd(d);
    w.nestEnd(li);
  }
  w.end(start);
  return w.copy();
}

/** RTM_NEWLINKPROP / RTM_DELLINKPROP: add or remove alternative names (`ip link property add dev X altname Y`). */
export function encodeLinkAltNames(op: 'add' | 'delete', index: number, names: readonly string[], w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(op === 'add' ? C.RTM_NEWLINKPROP : C.RTM_DELLINKPROP, NLM_F_REQUEST | NLM_F_ACK | (op === 'add' ? NLM_F_CREATE | NLM_F_EXCL : 0));
  writeIfInfoMsg(w, index);
  const pl = w.nestStart(C.IFLA_PROP_LIST | NLA_F_NESTED);
  for (const n of names) w.attrString(C.IFLA_ALT_IFNAME, n);
  w.nestEnd(pl);
  w.end(start);
  return w.copy();
}

/** RTM_DELLINK by index, or by group (index 0 + IFLA_GROUP: all links of the group at once). */
export function encodeDelLink(target: { index: number } | { group: number }, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
  writeIfInfoMsg(w, 'index' in target ? target.index : 0);
  if ('group' in target) w.attrU32(C.IFLA_GROUP, target.group);
  w.end(start);
  return w.copy();
}

// ---- attribute names for errors

const IFLA_NESTED_PREFIXES = ['IFLA_INET_', 'IFLA_INET6_', 'IFLA_BR_', 'IFLA_BRPORT_', 'IFLA_INFO_', 'IFLA_VLAN_',
  'IFLA_MACVLAN_', 'IFLA_VXLAN_', 'IFLA_BOND_', 'IFLA_VRF_'];

const INFO_DATA_PREFIX: Record<string, string> = {
  bridge: 'IFLA_BR_', vxlan: 'IFLA_VXLAN_', macvlan: 'IFLA_MACVLAN_', macvtap: 'IFLA_MACVLAN_', vlan: 'IFLA_VLAN_',
  bond: 'IFLA_BOND_', vrf: 'IFLA_VRF_', veth: 'VETH_INFO_',
};

/** Name of a top-level IFLA_* attribute type. */
export function linkAttributeName(t: number): string {
  return C.constantName('IFLA_', t, IFLA_NESTED_PREFIXES) ?? `IFLA attribute ${t}`;
}

/**
 * Names for the attribute path the kernel's extended ACK points at in a link request, e.g.
 * [18, 2, 1] with kind vxlan -> "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID".
 */
export function describeLinkAttribute(path: number[], kind?: string): string | undefined {
  if (!path.length) return undefined;
  const names = [linkAttributeName(path[0]!)];
  if (path[0] === C.IFLA_LINKINFO && path.length > 1) {
    names.push(C.constantName('IFLA_INFO_', path[1]!) ?? String(path[1]));
    if (path.length > 2) {
      if (path[1] === C.IFLA_INFO_DATA) {
        const prefix = kind ? INFO_DATA_PREFIX[kind] : undefined;
        names.push((prefix && C.constantName(prefix, path[2]!)) ?? String(path[2]));
        // Inside VETH_INFO_PEER come the peer's own IFLA_* attributes.
        if (kind === 'veth' && path.length > 3) names.push(linkAttributeName(path[3]!));
      } else if (path[1] === C.IFLA_INFO_SLAVE_DATA) {
        names.push(C.constantName('IFLA_BRPORT_', path[2]!) ?? String(path[2]));
      } else {
        names.push(...path.slice(2).map(String));
      }
    }
  } else {
    names.push(...path.slice(1).map(String));
  }
  return names.join('/');
}
