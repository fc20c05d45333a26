// Addresses, routes and neighbours as the dump commands print them: JSON under the keys and in
// the order of `ip -j -d` (the rtnl decoders' extra fields left out), and text like ip's.
import type { Address } from '../rtnl/address.js';
import type { Route, RouteNexthop } from '../rtnl/route.js';
import type { Neighbour } from '../rtnl/neighbour.js';
import type { Link } from '../rtnl/link.js';

// ---- routes

function nexthopJson(n: RouteNexthop): Record<string, unknown> {
  return { gateway: n.gateway, via: n.via, dev: n.dev, weight: n.weight, flags: n.flags, to: n.to, flow: n.flow };
}

/** `ip -j -d route show` keys and order; `table` only when every table is shown, as ip -d does. */
export function routeJson(r: Route, showTable: boolean, netns?: string | null): Record<string, unknown> {
  return {
    type: r.type,
    dst: r.dst,
    from: r.from,
    src: r.src,
    nhid: r.nhid,
    to: r.to,
    tos: r.tos,
    gateway: r.gateway,
    via: r.via,
    dev: r.dev,
    table: showTable ? r.table : undefined,
    protocol: r.protocol,
    scope: r.scope,
    prefsrc: r.prefsrc,
    metric: r.metric,
    flags: r.flags,
    mark: r.mark,
    flow: r.flow,
    uid: r.uid,
    cache: r.cache,
    expires: r.expires,
    error: r.error,
    ipid: r.ipid,
    ts: r.ts,
    tsage: r.tsage,
    pref: r.pref,
    'ttl-propogate': r['ttl-propogate'],
    metrics: r.metrics,
    iif: r.iif,
    nexthops: r.nexthops?.map(nexthopJson),
    netns,
  };
}

export function routeText(r: Route, showTable: boolean): string {
  let s = r.type !== 'unicast' ? `${r.type} ${r.dst}` : r.dst;
  if (r.from) s += ` from ${r.from}`;
  if (r.tos) s += ` tos ${r.tos}`;
  if (r.nhid !== undefined) s += ` nhid ${r.nhid}`;
  if (r.gateway) s += ` via ${r.gateway}`;
  if (r.via) s += ` via ${r.via.family} ${r.via.host}`;
  if (r.dev) s += ` dev ${r.dev}`;
  if (showTable) s += ` table ${r.table}`;
  if (r.protocol && r.protocol !== 'boot') s += ` proto ${r.protocol}`;
  if (r.scope && r.scope !== 'global') s += ` scope ${r.scope}`;
  if (r.prefsrc) s += ` src ${r.prefsrc}`;
  if (r.metric !== undefined) s += ` metric ${r.metric}`;
  for (const f of r.flags) s += ` ${f}`;
  if (r.pref !== undefined) s += ` pref ${r.pref}`;
  if (r.metrics) for (const m of r.metrics) for (const [k, v] of Object.entries(m)) s += ` ${k} ${v}`;
  if (r.nexthops) {
    for (const n of r.nexthops) {
      s += '\n\tnexthop';
      if (n.gateway) s += ` via ${n.gateway}`;
      if (n.dev) s += ` dev ${n.dev}`;
      s += ` weight ${n.weight}`;
      for (const f of n.flags) s += ` ${f}`;
    }
  }
  return `${s}\n`;
}

// ---- addresses (grouped under their link, as `ip -j addr show`)

const ADDR_FLAGS = ['secondary', 'temporary', 'nodad', 'optimistic', 'dadfailed', 'home', 'deprecated', 'tentative',
  'mngtmpaddr', 'noprefixroute', 'autojoin', 'stable-privacy', 'dynamic'] as const;

export function addrInfoJson(a: Address): Record<string, unknown> {
  const o: Record<string, unknown> = {
    family: a.family, local: a.local, address: a.address, prefixlen: a.prefixlen, metric: a.metric,
    broadcast: a.broadcast, anycast: a.anycast, scope: a.scope,
  };
  for (const f of ADDR_FLAGS) if (a[f]) o[f] = true;
  o.ifa_flags = a.ifa_flags;
  o.label = a.label;
  o.valid_life_time = a.valid_life_time;
  o.preferred_life_time = a.preferred_life_time;
  return o;
}

/**
 * The link part of an `ip -j addr show` entry. With a family filter (`ip -4 addr`), ip leaves
 * the link-layer facts out (link_type, address, broadcast): so does `linkLayer: false`.
 */
export function addrLinkJson(l: Link, addrs: Address[], netns?: string | null, linkLayer = true): Record<string, unknown> {
  const other = l.link_netnsid !== undefined;
  const ll = linkLayer ? l : undefined;
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
    group: l.group,
    txqlen: l.txqlen,
    link_type: ll?.link_type,
    address: ll?.address,
    link_pointtopoint: ll?.link_pointtopoint,
    broadcast: ll?.broadcast,
    link_netnsid: ll?.link_netnsid,
    addr_info: addrs.map(addrInfoJson),
    netns,
  };
}

export function addrText(l: Link, addrs: Address[]): string {
  const at = l.link_netnsid !== undefined ? (l.link_index !== undefined ? `@if${l.link_index}` : '') : l.link ? `@${l.link}` : '';
  let s = `${l.ifindex}: ${l.ifname}${at}: <${l.flags.join(',')}>`;
  if (l.mtu !== undefined) s += ` mtu ${l.mtu}`;
  if (l.qdisc !== undefined) s += ` qdisc ${l.qdisc}`;
  if (l.master !== undefined) s += ` master ${l.master}`;
  if (l.operstate !== undefined) s += ` state ${l.operstate}`;
  if (l.group !== undefined) s += ` group ${l.group}`;
  if (l.txqlen !== undefined) s += ` qlen ${l.txqlen}`;
  s += `\n    link/${l.link_type}`;
  if (l.address !== undefined) s += ` ${l.address}`;
  if (l.broadcast !== undefined) s += ` brd ${l.broadcast}`;
  if (l.link_netnsid !== undefined) s += ` link-netnsid ${l.link_netnsid}`;
  for (const a of addrs) {
    s += `\n    ${a.family} ${a.local ?? a.address}`;
    if (a.address && a.local) s += ` peer ${a.address}`;
    s += `/${a.prefixlen}`;
    if (a.broadcast) s += ` brd ${a.broadcast}`;
    s += ` scope ${a.scope}`;
    for (const f of ADDR_FLAGS) if (a[f]) s += ` ${f}`;
    if (a.label) s += ` ${a.label}`;
    const life = (v: number | undefined): string => (v === undefined || v === 4294967295 ? 'forever' : `${v}sec`);
    s += `\n       valid_lft ${life(a.valid_life_time)} preferred_lft ${life(a.preferred_life_time)}`;
  }
  return `${s}\n`;
}

// ---- neighbours

export function neighJson(n: Neighbour, netns?: string | null): Record<string, unknown> {
  return {
    dst: n.dst, dev: n.dev, lladdr: n.lladdr, router: n.router, proxy: n.proxy, managed: n.managed,
    extern_learn: n.extern_learn, offload: n.offload, state: n.state, protocol: n.protocol, netns,
  };
}

export function neighText(n: Neighbour): string {
  let s = n.dst ?? '';
  if (n.dev) s += ` dev ${n.dev}`;
  if (n.lladdr) s += ` lladdr ${n.lladdr}`;
  for (const f of ['router', 'proxy', 'managed', 'extern_learn', 'offload'] as const) if (n[f] === null) s += ` ${f}`;
  if (n.protocol) s += ` proto ${n.protocol}`;
  if (n.state) s += ` ${n.state.join(' ')}`;
  return `${s}\n`;
}
