// The decoded form of a link: what `ip -j -d link show` prints, under the same keys and in the
// same value formats, so scripts port from ip unchanged; attributes not interpreted stay in `raw`.
import type { RawAttribute } from '../netlink/reader.js';

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
 * decodeLink leaves the indexes (master is a number, `link` unset); list/get in link-read.ts
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
