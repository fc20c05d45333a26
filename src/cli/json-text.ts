// JSON text written field by field, for the dumps that can be large (100k routes): no
// intermediate object per item and no generic JSON.stringify walk over mostly-undefined keys.
// The output is byte-for-byte what JSON.stringify(routeJson(...)) gives (tested).
import type { Route } from '../rtnl/route.js';
import type { Link } from '../rtnl/link.js';
import { linkInfoJson, type PeerInfo } from './link-format.js';

// Names (devices, protocols, scopes, tables) repeat: each is escaped once. Interface names may
// hold '"' or '\\' (the kernel refuses only '/', ':', whitespace), so they go through
// JSON.stringify; the memo is bounded in case a dump has very many distinct names.
const quoted = new Map<string, string>();
function q(s: string): string {
  let v = quoted.get(s);
  if (v === undefined) {
    v = JSON.stringify(s);
    if (quoted.size < 4096) quoted.set(s, v);
  }
  return v;
}
/** Addresses and prefixes as rtnl formats them ("default", digits, hex, '.', ':', '/'): nothing to escape. */
const a = (s: string): string => `"${s}"`;

function flagsText(f: readonly string[]): string {
  if (f.length === 0) return '[]';
  let s = '[';
  for (let i = 0; i < f.length; i++) s += (i ? ',' : '') + q(f[i]!);
  return `${s}]`;
}

/** JSON.stringify(routeJson(r, showTable, netns)) without building the object. */
export function routeJsonText(r: Route, showTable: boolean, netns?: string | null): string {
  let s = `{"type":${q(r.type)},"dst":${a(r.dst)}`;
  if (r.from !== undefined) s += `,"from":${a(r.from)}`;
  if (r.src !== undefined) s += `,"src":${a(r.src)}`;
  if (r.nhid !== undefined) s += `,"nhid":${r.nhid}`;
  if (r.to !== undefined) s += `,"to":${a(r.to)}`;
  if (r.tos !== undefined) s += `,"tos":${q(r.tos)}`;
  if (r.gateway !== undefined) s += `,"gateway":${a(r.gateway)}`;
  if (r.via !== undefined) s += `,"via":${JSON.stringify(r.via)}`;
  if (r.dev !== undefined) s += `,"dev":${q(r.dev)}`;
  if (showTable) s += `,"table":${q(r.table)}`;
  if (r.protocol !== undefined) s += `,"protocol":${q(r.protocol)}`;
  if (r.scope !== undefined) s += `,"scope":${q(r.scope)}`;
  if (r.prefsrc !== undefined) s += `,"prefsrc":${a(r.prefsrc)}`;
  if (r.metric !== undefined) s += `,"metric":${r.metric}`;
  s += `,"flags":${flagsText(r.flags)}`;
  // The rare fields: JSON.stringify keeps their shapes exactly as routeJson has them.
  if (r.mark !== undefined) s += `,"mark":${r.mark}`;
  if (r.flow !== undefined) s += `,"flow":${JSON.stringify(r.flow)}`;
  if (r.uid !== undefined) s += `,"uid":${r.uid}`;
  if (r.cache !== undefined) s += `,"cache":${JSON.stringify(r.cache)}`;
  if (r.expires !== undefined) s += `,"expires":${r.expires}`;
  if (r.error !== undefined) s += `,"error":${r.error}`;
  if (r.ipid !== undefined) s += `,"ipid":${q(r.ipid)}`;
  if (r.ts !== undefined) s += `,"ts":${q(r.ts)}`;
  if (r.tsage !== undefined) s += `,"tsage":${r.tsage}`;
  if (r.pref !== undefined) s += `,"pref":${JSON.stringify(r.pref)}`;
  if (r['ttl-propogate'] !== undefined) s += `,"ttl-propogate":${r['ttl-propogate']}`;
  if (r.metrics !== undefined) s += `,"metrics":${JSON.stringify(r.metrics)}`;
  if (r.iif !== undefined) s += `,"iif":${q(r.iif)}`;
  if (r.nexthops !== undefined) {
    s += ',"nexthops":[';
    for (let i = 0; i < r.nexthops.length; i++) {
      const n = r.nexthops[i]!;
      s += JSON.stringify({ gateway: n.gateway, via: n.via, dev: n.dev, weight: n.weight, flags: n.flags, to: n.to, flow: n.flow });
      if (i < r.nexthops.length - 1) s += ',';
    }
    s += ']';
  }
  if (netns !== undefined) s += `,"netns":${netns === null ? 'null' : q(netns)}`;
  return `${s}}`;
}

/** A string value, or nothing when undefined. */
function str(key: string, v: string | undefined): string {
  return v === undefined ? '' : `,"${key}":${q(v)}`;
}
function num(key: string, v: number | undefined): string {
  return v === undefined ? '' : `,"${key}":${v}`;
}

/** JSON.stringify(linkJson(l, netns, peer)) without building the object (see link-format.ts). */
export function linkJsonText(l: Link, netns: string | null, peer: PeerInfo | undefined): string {
  const other = l.link_netnsid !== undefined;
  let s = `{"ifindex":${l.ifindex}`;
  if (!other && l.link !== undefined) s += `,"link":${l.link === null ? 'null' : q(l.link)}`;
  if (other) s += num('link_index', l.link_index);
  s += `,"ifname":${q(l.ifname)},"flags":${flagsText(l.flags)}`;
  s += num('mtu', l.mtu) + str('qdisc', l.qdisc);
  if (l.master !== undefined) s += typeof l.master === 'number' ? `,"master":${l.master}` : `,"master":${q(l.master)}`;
  s += str('operstate', l.operstate) + num('operstate_index', l.operstate_index) + str('linkmode', l.linkmode)
    + str('group', l.group) + num('txqlen', l.txqlen) + `,"link_type":${q(l.link_type)}` + str('address', l.address);
  if (l.link_pointtopoint !== undefined) s += `,"link_pointtopoint":${l.link_pointtopoint}`;
  s += str('broadcast', l.broadcast) + str('permaddr', l.permaddr) + num('link_netnsid', l.link_netnsid);
  if (l.proto_down !== undefined) s += `,"proto_down":${l.proto_down}`;
  s += num('promiscuity', l.promiscuity) + num('allmulti', l.allmulti) + num('min_mtu', l.min_mtu) + num('max_mtu', l.max_mtu);
  const li = linkInfoJson(l.linkinfo);
  if (li !== undefined) s += `,"linkinfo":${JSON.stringify(li)}`;
  s += str('inet6_addr_gen_mode', l.inet6_addr_gen_mode) + num('num_tx_queues', l.num_tx_queues) + num('num_rx_queues', l.num_rx_queues)
    + num('gso_max_size', l.gso_max_size) + num('gso_max_segs', l.gso_max_segs) + num('tso_max_size', l.tso_max_size)
    + num('tso_max_segs', l.tso_max_segs) + num('gro_max_size', l.gro_max_size) + num('gso_ipv4_max_size', l.gso_ipv4_max_size)
    + num('gro_ipv4_max_size', l.gro_ipv4_max_size) + str('parentbus', l.parentbus) + str('parentdev', l.parentdev)
    + str('phys_port_name', l.phys_port_name) + str('phys_port_id', l.phys_port_id) + str('phys_switch_id', l.phys_switch_id)
    + str('ifalias', l.ifalias);
  if (l.altnames !== undefined) s += `,"altnames":${flagsText(l.altnames)}`;
  s += `,"netns":${netns === null ? 'null' : q(netns)}`;
  if (peer) s += `,"peer_ifname":${q(peer.peer_ifname)},"peer_netns":${peer.peer_netns === null ? 'null' : q(peer.peer_netns)}`;
  return `${s}}`;
}
