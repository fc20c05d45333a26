// Addresses grouped under their link, as `ip -j addr show` and `ip addr show` print them.
import type { Address } from '../address.js';
import type { Link } from '../link.js';

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
    txqlen: l.txqlen || undefined, // ip prints no qlen 0 (veths CNI makes have it)
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
  if (l.txqlen) s += ` qlen ${l.txqlen}`; // ip prints no qlen 0
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
