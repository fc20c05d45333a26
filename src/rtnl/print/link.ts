// Links as `ip -d link show` prints them (linkText) and as `ip -j -d link show` does (linkJson:
// ip's keys in ip's order, plus netns, peer_ifname and peer_netns, which netlinkts adds).
import type { Link } from '../link.js';

export interface PeerInfo {
  peer_ifname: string;
  /** Name of the namespace holding the peer; null: the current namespace. */
  peer_netns: string | null;
}

// Attributes the rtnl decoder keeps for round trips, not for display.
function clean(d: unknown): unknown {
  if (!d || typeof d !== 'object') return d;
  const o = d as Record<string, unknown>;
  if (!('raw' in o)) return o;
  const { raw: _raw, ...rest } = o;
  return Object.keys(rest).length ? rest : undefined;
}

/** linkinfo as printed: the rtnl decoder's raw attributes left out. */
export function linkInfoJson(li: Link['linkinfo']): unknown {
  if (!li) return undefined;
  return {
    info_kind: li.info_kind,
    info_data: clean(li.info_data),
    info_slave_kind: li.info_slave_kind,
    info_slave_data: clean(li.info_slave_data),
  };
}

/**
 * The JSON object of a link. JSON.stringify drops undefined members, so absent facts are
 * simply not printed, as with ip. Key order follows ip (iplink.c print_linkinfo).
 */
export function linkJson(l: Link, netns: string | null, peer: PeerInfo | undefined): Record<string, unknown> {
  const other = l.link_netnsid !== undefined;
  return {
    ifindex: l.ifindex,
    link: other ? undefined : l.link,
    link_index: other ? l.link_index : undefined,
    ifname: l.ifname,
    flags: l.flags,
    mtu: l.mtu,
    qdisc: l.qdisc,
    master: l.master,
    operstate: l.operstate,
    operstate_index: l.operstate_index,
    linkmode: l.linkmode,
    group: l.group,
    txqlen: l.txqlen || undefined, // ip prints no qlen 0 (veths CNI makes have it)
    link_type: l.link_type,
    address: l.address,
    link_pointtopoint: l.link_pointtopoint,
    broadcast: l.broadcast,
    permaddr: l.permaddr,
    link_netnsid: l.link_netnsid,
    proto_down: l.proto_down,
    promiscuity: l.promiscuity,
    allmulti: l.allmulti,
    min_mtu: l.min_mtu,
    max_mtu: l.max_mtu,
    linkinfo: linkInfoJson(l.linkinfo),
    inet6_addr_gen_mode: l.inet6_addr_gen_mode,
    num_tx_queues: l.num_tx_queues,
    num_rx_queues: l.num_rx_queues,
    gso_max_size: l.gso_max_size,
    gso_max_segs: l.gso_max_segs,
    tso_max_size: l.tso_max_size,
    tso_max_segs: l.tso_max_segs,
    gro_max_size: l.gro_max_size,
    gso_ipv4_max_size: l.gso_ipv4_max_size,
    gro_ipv4_max_size: l.gro_ipv4_max_size,
    parentbus: l.parentbus,
    parentdev: l.parentdev,
    phys_port_name: l.phys_port_name,
    phys_port_id: l.phys_port_id,
    phys_switch_id: l.phys_switch_id,
    ifalias: l.ifalias,
    altnames: l.altnames,
    netns,
    peer_ifname: peer?.peer_ifname,
    peer_netns: peer ? peer.peer_netns : undefined,
  };
}

function kv(obj: unknown): string {
  if (!obj || typeof obj !== 'object') return '';
  let s = '';
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (v === undefined || k === 'raw') continue;
    const text = typeof v === 'boolean' ? (v ? 'on' : 'off')
      : Array.isArray(v) ? v.join(',')
        : v && typeof v === 'object' ? Object.values(v).join('-')
          : String(v);
    s += ` ${k} ${text}`;
  }
  return s;
}

/** `ip -d link show` lines for one link. */
export function linkText(l: Link, peer: PeerInfo | undefined, netnsName: (nsid: number) => string | undefined): string {
  const at = l.link_netnsid !== undefined ? (l.link_index !== undefined ? `@if${l.link_index}` : '') : l.link ? `@${l.link}` : l.link === null ? '@NONE' : '';
  let s = `${l.ifindex}: ${l.ifname}${at}: <${l.flags.join(',')}>`;
  if (l.mtu !== undefined) s += ` mtu ${l.mtu}`;
  if (l.qdisc !== undefined) s += ` qdisc ${l.qdisc}`;
  if (l.master !== undefined) s += ` master ${l.master}`;
  if (l.operstate !== undefined) s += ` state ${l.operstate}`;
  if (l.linkmode !== undefined) s += ` mode ${l.linkmode}`;
  if (l.group !== undefined) s += ` group ${l.group}`;
  if (l.txqlen) s += ` qlen ${l.txqlen}`; // ip prints no qlen 0
  s += `\n    link/${l.link_type}`;
  if (l.address !== undefined) s += ` ${l.address}`;
  if (l.broadcast !== undefined) s += ` ${l.link_pointtopoint ? 'peer' : 'brd'} ${l.broadcast}`;
  if (l.permaddr !== undefined) s += ` permaddr ${l.permaddr}`;
  if (l.link_netnsid !== undefined) {
    const name = netnsName(l.link_netnsid);
    s += name !== undefined ? ` link-netns ${name}` : ` link-netnsid ${l.link_netnsid}`;
  }
  if (peer) s += ` peer ${peer.peer_ifname}${peer.peer_netns !== null ? ` peer-netns ${peer.peer_netns}` : ''}`;
  if (l.proto_down) s += ' protodown on';
  if (l.promiscuity !== undefined) s += ` promiscuity ${l.promiscuity}`;
  if (l.allmulti !== undefined) s += ` allmulti ${l.allmulti}`;
  if (l.min_mtu !== undefined) s += ` minmtu ${l.min_mtu}`;
  if (l.max_mtu !== undefined) s += ` maxmtu ${l.max_mtu}`;
  const li = l.linkinfo;
  if (li?.info_kind) s += `\n    ${li.info_kind}${kv(li.info_data)}`;
  if (li?.info_slave_kind) s += `\n    ${li.info_slave_kind}_slave${kv(li.info_slave_data)}`;
  if (l.inet6_addr_gen_mode !== undefined) s += ` addrgenmode ${l.inet6_addr_gen_mode}`;
  if (l.num_tx_queues !== undefined) s += ` numtxqueues ${l.num_tx_queues}`;
  if (l.num_rx_queues !== undefined) s += ` numrxqueues ${l.num_rx_queues}`;
  if (l.gso_max_size !== undefined) s += ` gso_max_size ${l.gso_max_size}`;
  if (l.gso_max_segs !== undefined) s += ` gso_max_segs ${l.gso_max_segs}`;
  if (l.tso_max_size !== undefined) s += ` tso_max_size ${l.tso_max_size}`;
  if (l.tso_max_segs !== undefined) s += ` tso_max_segs ${l.tso_max_segs}`;
  if (l.gro_max_size !== undefined) s += ` gro_max_size ${l.gro_max_size}`;
  if (l.parentbus !== undefined) s += ` parentbus ${l.parentbus}`;
  if (l.parentdev !== undefined) s += ` parentdev ${l.parentdev}`;
  if (l.ifalias !== undefined) s += `\n    alias ${l.ifalias}`;
  if (l.altnames?.length) for (const a of l.altnames) s += `\n    altname ${a}`;
  return `${s}\n`;
}
