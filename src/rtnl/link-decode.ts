// Decoding RTM_NEWLINK/DELLINK into Link: struct ifinfomsg, the top-level IFLA_* attributes,
// IFLA_LINKINFO (the kind's data in link-kind-decode.ts), and names of the links one refers to.
import { NetlinkDecodeError } from '../netlink/errors.js';
import { formatHardwareAddress } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkBuffer, rawAttribute, walkNested, type RawAttribute } from '../netlink/reader.js';
import * as C from './constants.js';
import type { BridgePortInfoData, Link, LinkInfo, LinkStats64, OtherLinkInfo, RawInfoData, VxlanInfoData } from './link-types.js';
import { ADDR_GEN_MODES, HEX2, groupName, linkFlagNames } from './link-format.js';
import { decodeKindInfoData, kindSet } from './link-kinds.js';
import { kindInfoDataJson } from './link-kinds-print.js';
import { decodeBridgeData, decodeBridgePortData, decodeMacvlanData, decodeVlanData, decodeVxlanData } from './link-kind-decode.js';

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
      default: {
        // Kinds declared on the rt-link spec tables (link-kinds.ts) decode by their set.
        const k = info.info_kind !== undefined && kindSet(info.info_kind) ? info.info_kind : undefined;
        info.info_data = k ? kindInfoDataJson(k, decodeKindInfoData(k, buf, dataOff, dataLen)!) as unknown as RawInfoData : { raw: rawList(buf, dataOff, dataLen) };
      }
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
