// rtnetlink events (`ip monitor`): links, bridge ports, IPv4/IPv6 addresses and routes,
// neighbours and namespace ids as typed events over the generic subscription core
// (src/netlink/subscription.ts), decoded with this layer's own decoders. See docs/monitor.md.
import { NETLINK_ROUTE, NLM_F_DUMP, NLM_F_REPLACE, NLM_F_REQUEST } from '../netlink/constants.js';
import { ValidationError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { walkAttributes, type NetlinkBuffer } from '../netlink/reader.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { MessageWriter } from '../netlink/writer.js';
import {
  messageState, Subscription, type ChangeEvent, type Decoded, type DumpFunction, type SubscriptionOptions,
  type SubscriptionSource,
} from '../netlink/subscription.js';
import * as C from './constants.js';
import { decodeLink, encodeLinkDump, resolveLinkNames, writeIfInfoMsg, type Link, type LinkRef } from './link.js';
import { decodeAddress, encodeAddressDump, type Address } from './address.js';
import { decodeRoute, encodeRouteDump, type Route } from './route.js';
import { decodeNeighbour, encodeNeighbourDump, type Neighbour } from './neighbour.js';
import { decodeNsid, encodeNsidDump, type NsidEntry } from './nsid.js';
import { RULE_HEADER_LEN, decodeRule, encodeRuleDump, type Rule } from './rule.js';
import { NHMSG_LEN, decodeNexthop, encodeNexthopDump, type Nexthop } from './nexthop.js';
import { decodeFdb, type FdbEntry } from './fdb.js';

/** Multicast groups by name (RTNLGRP_* in linux/rtnetlink.h). */
export const RTNL_MONITOR_GROUPS = {
  link: C.RTNLGRP_LINK,
  'ipv4-address': C.RTNLGRP_IPV4_IFADDR,
  'ipv6-address': C.RTNLGRP_IPV6_IFADDR,
  'ipv4-route': C.RTNLGRP_IPV4_ROUTE,
  'ipv6-route': C.RTNLGRP_IPV6_ROUTE,
  neighbour: C.RTNLGRP_NEIGH,
  nsid: C.RTNLGRP_NSID,
  'ipv4-rule': C.RTNLGRP_IPV4_RULE,
  'ipv6-rule': C.RTNLGRP_IPV6_RULE,
  nexthop: C.RTNLGRP_NEXTHOP,
} as const;

export type RtnlGroupName = keyof typeof RTNL_MONITOR_GROUPS;
/**
 * A group, or a kind standing for its groups: 'address' = both address groups, 'route' = both
 * route groups, 'rule' = both rule groups, 'fdb' = the neighbour group (bridge FDB entries are
 * neighbours of family AF_BRIDGE there).
 */
export type RtnlGroupSelector = RtnlGroupName | 'address' | 'route' | 'rule' | 'fdb';

export type RtnlKind = 'link' | 'bridge-port' | 'address' | 'route' | 'neighbour' | 'nsid' | 'rule' | 'nexthop' | 'fdb';

/**
 * RTM_NEWLINK is both creation and change: 'new' when the kernel flags the message with
 * ifi_change = 0xffffffff, which it does exactly when a device is registered (created, or
 * moved in from another namespace); any other RTM_NEWLINK is 'changed'.
 */
export type LinkEvent = ChangeEvent<'link', Link>;
/**
 * A link's bridge-port state (family AF_BRIDGE messages on the link group): 'deleted' means
 * the link stopped being a bridge port (it left the bridge), not that it is gone.
 */
export type BridgePortEvent = ChangeEvent<'bridge-port', Link>;
export type AddressEvent = ChangeEvent<'address', Address>;
export type RouteEvent = ChangeEvent<'route', Route>;
export type NeighbourEvent = ChangeEvent<'neighbour', Neighbour>;
export type NsidEvent = ChangeEvent<'nsid', NsidEntry>;
/** Policy rules (RTNLGRP_IPV4_RULE/IPV6_RULE): a rule has no id, its whole content is its identity. */
export type RuleEvent = ChangeEvent<'rule', Rule>;
export type NexthopEvent = ChangeEvent<'nexthop', Nexthop>;
/** Bridge and vxlan FDB entries: the AF_BRIDGE messages of the neighbour group. */
export type FdbEvent = ChangeEvent<'fdb', FdbEntry>;
export type RtnlEvent = LinkEvent | BridgePortEvent | AddressEvent | RouteEvent | NeighbourEvent | NsidEvent | RuleEvent | NexthopEvent | FdbEvent;

export interface RtnlMonitorOptions extends SubscriptionOptions {
  /** What to follow. Default: every group in RTNL_MONITOR_GROUPS. */
  groups?: readonly RtnlGroupSelector[];
  /**
   * Name interfaces as ip does (an address's or route's `dev`, a link's `master` and peer):
   * the links are listed before the first event is handed out, and link changes are followed
   * for their names even when 'link' is not among the groups. In other namespaces
   * (allNamespaces) only links announced since the start are known. Without it (or for an
   * unknown index) routes and neighbours show "ifN", addresses no `dev`. Default true.
   */
  resolveNames?: boolean;
}

// Bridge and bridge-port attributes that move without a link notification (linux/if_link.h of
// 6.18; Debian 12's header stops earlier): the IFLA_BR_*_TIMER and IFLA_BRPORT_*_TIMER
// countdowns, IFLA_BR_MCAST_QUERIER_STATE (47, holds the other-querier timer),
// IFLA_BR_FDB_N_LEARNED (48) and IFLA_BRPORT_MCAST_N_GROUPS (41), which count FDB and MDB
// entries (those have notifications of their own).
const BRIDGE_VOLATILE = new Set([16, 17, 18, 19, 47, 48]);
const BRPORT_VOLATILE = new Set([21, 22, 23, 41]);
// Parts of a link message that change without the link changing: counters, per-family
// (inet6) statistics and timestamps, and the notification-only IFLA_EVENT.
const LINK_VOLATILE = new Set([C.IFLA_STATS, C.IFLA_STATS64, C.IFLA_AF_SPEC, C.IFLA_EVENT]);
const ADDRESS_VOLATILE = new Set([C.IFA_CACHEINFO]);
const ROUTE_VOLATILE = new Set([C.RTA_CACHEINFO, C.RTA_EXPIRES]);
const NEIGHBOUR_VOLATILE = new Set([C.NDA_CACHEINFO, C.NDA_PROBES]);
const NONE = new Set<number>();

function latin1(buf: NetlinkBuffer, start: number, end: number): string {
  const b = buf.bytes;
  return (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('latin1', start, end);
}

/** Attributes [start, end) minus `skip`; `inner` rewrites the payload of nests it names. */
function attrsState(buf: NetlinkBuffer, start: number, end: number, skip: ReadonlySet<number>, inner?: (type: number, off: number, len: number) => string | undefined): string {
  let s = '';
  walkAttributes(buf, start, end, (type, off, len) => {
    if (skip.has(type)) return;
    const replaced = inner?.(type, off, len);
    s += replaced !== undefined ? `${type}{${replaced}}` : latin1(buf, off - 4, off + len);
  });
  return s;
}

/** A link's state: ifinfomsg without ifi_change, attributes without counters and bridge timers. */
function linkState(m: MessageRef): string {
  const { buf } = m;
  const start = m.payloadStart + C.IFINFOMSG_LEN;
  let s = latin1(buf, m.payloadStart, m.payloadStart + 12);
  s += attrsState(buf, start, m.end, LINK_VOLATILE, (type, off, len) => {
    if (type === C.IFLA_PROTINFO) return attrsState(buf, off, off + len, BRPORT_VOLATILE);
    if (type !== C.IFLA_LINKINFO) return undefined;
    return attrsState(buf, off, off + len, NONE, (t, o, l) => {
      if (t === C.IFLA_INFO_DATA) return attrsState(buf, o, o + l, BRIDGE_VOLATILE);
      if (t === C.IFLA_INFO_SLAVE_DATA) return attrsState(buf, o, o + l, BRPORT_VOLATILE);
      return undefined;
    });
  });
  return s;
}

/** Top-level attribute payloads by type (first occurrence), as latin1 strings for keys. */
function keyAttrs(m: MessageRef, headerLength: number, types: readonly number[]): string {
  const found = new Map<number, string>();
  walkAttributes(m.buf, m.payloadStart + headerLength, m.end, (type, off, len) => {
    if (!found.has(type) && types.includes(type)) found.set(type, Buffer.from(m.buf.bytes.subarray(off, off + len)).toString('hex'));
  });
  return types.map((t) => found.get(t) ?? '').join('/');
}

/**
 * ifindex -> name, per namespace (nsid). A deleted link's name stays for its last 1024
 * deletions: the kernel announces the addresses, routes and neighbours that go with a link
 * around its RTM_DELLINK, and they should still be named.
 */
class NameTable {
  private readonly map = new Map<string, LinkRef>();
  private readonly gone: Array<[string, LinkRef]> = [];

  get(nsid: number | undefined, ifindex: number): LinkRef | undefined {
    return this.map.get(`${nsid ?? ''}:${ifindex}`);
  }

  set(nsid: number | undefined, ifindex: number, ref: LinkRef): void {
    this.map.set(`${nsid ?? ''}:${ifindex}`, ref);
  }

  deleted(nsid: number | undefined, ifindex: number): void {
    const k = `${nsid ?? ''}:${ifindex}`;
    const ref = this.map.get(k);
    if (!ref) return;
    this.gone.push([k, ref]);
    if (this.gone.length > 1024) {
      const [oldKey, oldRef] = this.gone.shift()!;
      if (this.map.get(oldKey) === oldRef) this.map.delete(oldKey); // unless the index came back
    }
  }
}

function linkDecoded(m: MessageRef, names: NameTable, nsid: number | undefined, wanted: boolean): Decoded<LinkEvent | BridgePortEvent> | undefined {
  const family = m.buf.u8(m.payloadStart);
  const change = m.buf.u32(m.payloadStart + 12);
  const link = decodeLink(m);
  if (family === C.AF_BRIDGE) {
    if (!wanted) return undefined;
    resolveLinkNames(link, (i) => names.get(nsid, i));
    return {
      event: { type: m.type === C.RTM_DELLINK ? 'deleted' : 'new', kind: 'bridge-port', object: link },
      key: `bridge-port/${link.ifindex}`,
      state: linkState(m),
      upsert: true,
    };
  }
  if (m.type === C.RTM_NEWLINK && link.ifname) names.set(nsid, link.ifindex, { name: link.ifname, up: link.flags.includes('UP') });
  else if (m.type === C.RTM_DELLINK) names.deleted(nsid, link.ifindex);
  if (!wanted) return undefined;
  resolveLinkNames(link, (i) => names.get(nsid, i));
  const type = m.type === C.RTM_DELLINK ? 'deleted' : change === 0xffffffff ? 'new' : 'changed';
  return { event: { type, kind: 'link', object: link }, key: `link/${link.ifindex}`, state: linkState(m) };
}

function makeDecoder(names: NameTable, groups: ReadonlySet<number>): SubscriptionSource<RtnlEvent>['decode'] {
  const resolver = (nsid: number | undefined) => (i: number) => names.get(nsid, i)?.name;
  return (m, nsid) => {
    switch (m.type) {
      case C.RTM_NEWLINK:
      case C.RTM_DELLINK:
        // Joined for names alone when links were not asked for: decoded, not handed out.
        return linkDecoded(m, names, nsid, groups.has(C.RTNLGRP_LINK));
      case C.RTM_NEWADDR:
      case C.RTM_DELADDR: {
        const family = m.buf.u8(m.payloadStart);
        if (!groups.has(family === C.AF_INET6 ? C.RTNLGRP_IPV6_IFADDR : C.RTNLGRP_IPV4_IFADDR)) return undefined;
        const object = decodeAddress(m, resolver(nsid));
        // (family, ifindex, prefix length, local, peer) is what the kernel matches addresses by.
        const key = `address/${family}/${m.buf.u32(m.payloadStart + 4)}/${m.buf.u8(m.payloadStart + 1)}/${keyAttrs(m, C.IFADDRMSG_LEN, [C.IFA_LOCAL, C.IFA_ADDRESS])}`;
        const deleted = m.type === C.RTM_DELADDR;
        return {
          event: { type: deleted ? 'deleted' : 'new', kind: 'address', object },
          key,
          state: deleted ? undefined : messageState(m, C.IFADDRMSG_LEN, ADDRESS_VOLATILE),
          upsert: true,
        };
      }
      case C.RTM_NEWROUTE:
      case C.RTM_DELROUTE: {
        const b = m.buf;
        const o = m.payloadStart;
        const family = b.u8(o);
        if (!groups.has(family === C.AF_INET6 ? C.RTNLGRP_IPV6_ROUTE : C.RTNLGRP_IPV4_ROUTE)) return undefined;
        const object = decodeRoute(m, resolver(nsid));
        const deleted = m.type === C.RTM_DELROUTE;
        const cloned = (b.u32(o + 8) & C.RTM_F_CLONED) !== 0;
        // Routes are matched by family, table, destination, source, tos and metric; exceptions
        // (RTM_F_CLONED: PMTU, redirects) are not listed by the route dump, so they get no key.
        const key = cloned ? undefined
          : `route/${family}/${object.table_id}/${b.u8(o + 1)}/${b.u8(o + 2)}/${b.u8(o + 3)}/${keyAttrs(m, C.RTMSG_LEN, [C.RTA_DST, C.RTA_SRC, C.RTA_PRIORITY])}`;
        return {
          event: { type: deleted ? 'deleted' : m.flags & NLM_F_REPLACE ? 'changed' : 'new', kind: 'route', object },
          key,
          state: deleted ? undefined : messageState(m, C.RTMSG_LEN, ROUTE_VOLATILE),
          upsert: true,
        };
      }
      case C.RTM_NEWNEIGH:
      case C.RTM_DELNEIGH: {
        if (!groups.has(C.RTNLGRP_NEIGH)) return undefined;
        const b = m.buf;
        const o = m.payloadStart;
        const family = b.u8(o);
        const proxy = (b.u8(o + 10) & C.NTF_PROXY) !== 0;
        const deleted = m.type === C.RTM_DELNEIGH;
        if (family === C.AF_BRIDGE) {
          // FDB entries get no key: the listing leaves them out (it would be every device's
          // multicast addresses), so their changes always pass through.
          return { event: { type: deleted ? 'deleted' : 'new', kind: 'fdb', object: decodeFdb(m, resolver(nsid)) } };
        }
        const object = decodeNeighbour(m, resolver(nsid));
        // IP neighbours are keyed by interface and destination. Bridge FDB entries (family
        // bridge) get no key: the listing leaves them out (it would be every device's
        // multicast addresses), so their changes always pass through.
        const key = family === C.AF_BRIDGE ? undefined : `neighbour/${family}/${b.s32(o + 4)}/${proxy ? 'proxy' : ''}/${keyAttrs(m, C.NDMSG_LEN, [C.NDA_DST])}`;
        return {
          event: { type: deleted ? 'deleted' : 'new', kind: 'neighbour', object },
          key,
          state: deleted ? undefined : messageState(m, C.NDMSG_LEN, NEIGHBOUR_VOLATILE),
          upsert: true,
        };
      }
      case C.RTM_NEWRULE:
      case C.RTM_DELRULE: {
        const family = m.buf.u8(m.payloadStart);
        if (!groups.has(family === C.AF_INET6 ? C.RTNLGRP_IPV6_RULE : C.RTNLGRP_IPV4_RULE)) return undefined;
        const deleted = m.type === C.RTM_DELRULE;
        // The kernel fills RTM_NEWRULE and RTM_DELRULE alike (fib_nl_fill_rule): the message
        // body names the rule.
        const body = messageState(m, RULE_HEADER_LEN);
        return { event: { type: deleted ? 'deleted' : 'new', kind: 'rule', object: decodeRule(m) }, key: `rule/${body}`, state: deleted ? undefined : body, upsert: true };
      }
      case C.RTM_NEWNEXTHOP:
      case C.RTM_DELNEXTHOP: {
        if (!groups.has(C.RTNLGRP_NEXTHOP)) return undefined;
        const object = decodeNexthop(m, resolver(nsid));
        const deleted = m.type === C.RTM_DELNEXTHOP;
        return {
          event: { type: deleted ? 'deleted' : 'new', kind: 'nexthop', object },
          key: `nexthop/${object.id}`,
          state: deleted ? undefined : messageState(m, NHMSG_LEN),
          upsert: true,
        };
      }
      case C.RTM_NEWNSID:
      case C.RTM_DELNSID: {
        if (!groups.has(C.RTNLGRP_NSID)) return undefined;
        const object = decodeNsid(m);
        const deleted = m.type === C.RTM_DELNSID;
        return {
          event: { type: deleted ? 'deleted' : 'new', kind: 'nsid', object },
          key: `nsid/${object.nsid}`,
          state: deleted ? undefined : messageState(m, C.RTGENMSG_LEN),
          upsert: true,
        };
      }
      default:
        return undefined;
    }
  };
}

function dumpOf(make: () => Uint8Array, operation: string): DumpFunction {
  return (socket: NetlinkSocket, signal: AbortSignal) => socket.dumpBatches(make(), { operation, signal });
}

/** Learn the names of the links in a batch of RTM_NEWLINK messages (of the own namespace). */
function learnNames(names: NameTable, batch: readonly MessageRef[]): void {
  for (const m of batch) {
    if (m.type !== C.RTM_NEWLINK || m.end - m.payloadStart < C.IFINFOMSG_LEN) continue;
    if (m.buf.u8(m.payloadStart) !== C.AF_UNSPEC) continue;
    const index = m.buf.s32(m.payloadStart + 4);
    const up = (m.buf.u32(m.payloadStart + 8) & 1) !== 0; // IFF_UP
    walkAttributes(m.buf, m.payloadStart + C.IFINFOMSG_LEN, m.end, (type, off, len) => {
      if (type === C.IFLA_IFNAME) names.set(undefined, index, { name: m.buf.attrString(off, len), up });
    });
  }
}

/**
 * The link listing, held back until complete so that every link's name is known before any
 * is decoded: a port listed before its bridge still gets the master's name.
 */
function linkDump(names: NameTable): DumpFunction {
  return async function* (socket: NetlinkSocket, signal: AbortSignal) {
    const batches: (readonly MessageRef[])[] = [];
    for await (const batch of socket.dumpBatches(encodeLinkDump({ stats: true }), { operation: 'list links', signal })) {
      batches.push(batch);
      learnNames(names, batch);
    }
    yield* batches;
  };
}

/** The prepare step of resolveNames: every link's name, before the first change is decoded. */
function primeNames(names: NameTable): (socket: NetlinkSocket, signal: AbortSignal) => Promise<void> {
  return async (socket, signal) => {
    for await (const batch of socket.dumpBatches(encodeLinkDump(), { operation: 'list link names', signal })) learnNames(names, batch);
  };
}

/** RTM_GETLINK dump of family AF_BRIDGE: the bridge ports (`bridge link show`). */
function encodeBridgePortDump(): Uint8Array {
  const w = new MessageWriter(64);
  const start = w.begin(C.RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
  writeIfInfoMsg(w, 0, 0, 0, C.AF_BRIDGE);
  w.end(start);
  return w.copy();
}

function groupNumbers(selectors: readonly RtnlGroupSelector[] | undefined): Set<number> {
  const out = new Set<number>();
  for (const s of selectors ?? (Object.keys(RTNL_MONITOR_GROUPS) as RtnlGroupName[])) {
    if (s === 'address') out.add(C.RTNLGRP_IPV4_IFADDR).add(C.RTNLGRP_IPV6_IFADDR);
    else if (s === 'route') out.add(C.RTNLGRP_IPV4_ROUTE).add(C.RTNLGRP_IPV6_ROUTE);
    else if (s === 'rule') out.add(C.RTNLGRP_IPV4_RULE).add(C.RTNLGRP_IPV6_RULE);
    else if (s === 'fdb') out.add(C.RTNLGRP_NEIGH);
    else if (Object.hasOwn(RTNL_MONITOR_GROUPS, s)) out.add(RTNL_MONITOR_GROUPS[s]);
    else throw new ValidationError('groups', `unknown rtnetlink monitor group "${String(s)}"; use ${[...Object.keys(RTNL_MONITOR_GROUPS), 'address', 'route', 'rule', 'fdb'].join(', ')}`);
  }
  if (!out.size) throw new ValidationError('groups', 'no group to monitor');
  return out;
}

function familyOf(groups: ReadonlySet<number>, v4: number, v6: number): number | undefined {
  const a = groups.has(v4), b = groups.has(v6);
  if (a && b) return C.AF_UNSPEC;
  if (a) return C.AF_INET;
  if (b) return C.AF_INET6;
  return undefined;
}

/** The subscription source for the given groups (for callers composing their own subscription). */
export function rtnlMonitorSource(selectors?: readonly RtnlGroupSelector[], options: { resolveNames?: boolean } = {}): SubscriptionSource<RtnlEvent> {
  const groups = groupNumbers(selectors);
  // Only kinds that name interfaces need the names (an nsid-only monitor does not).
  const named = [C.RTNLGRP_LINK, C.RTNLGRP_IPV4_IFADDR, C.RTNLGRP_IPV6_IFADDR, C.RTNLGRP_IPV4_ROUTE, C.RTNLGRP_IPV6_ROUTE, C.RTNLGRP_NEIGH, C.RTNLGRP_NEXTHOP];
  const resolveNames = (options.resolveNames ?? true) && named.some((g) => groups.has(g));
  const names = new NameTable();
  const dumps: DumpFunction[] = [];
  // Links first, so that the other kinds' listings get interface names.
  if (groups.has(C.RTNLGRP_LINK)) {
    // Ext mask 0 (with statistics), as notifications are built: the same attributes both ways.
    dumps.push(linkDump(names));
    dumps.push(dumpOf(encodeBridgePortDump, 'list bridge ports'));
  }
  const af = familyOf(groups, C.RTNLGRP_IPV4_IFADDR, C.RTNLGRP_IPV6_IFADDR);
  if (af !== undefined) dumps.push(dumpOf(() => encodeAddressDump(af), 'list addresses'));
  const rf = familyOf(groups, C.RTNLGRP_IPV4_ROUTE, C.RTNLGRP_IPV6_ROUTE);
  if (rf !== undefined) dumps.push(dumpOf(() => encodeRouteDump({ family: rf }), 'list routes'));
  if (groups.has(C.RTNLGRP_NEIGH)) {
    dumps.push(dumpOf(() => encodeNeighbourDump(), 'list neighbours'));
    dumps.push(dumpOf(() => encodeNeighbourDump({ proxy: true }), 'list proxy neighbours'));
  }
  if (groups.has(C.RTNLGRP_NSID)) dumps.push(dumpOf(() => encodeNsidDump(), 'list namespace ids'));
  const ruleFamily = familyOf(groups, C.RTNLGRP_IPV4_RULE, C.RTNLGRP_IPV6_RULE);
  if (ruleFamily !== undefined) dumps.push(dumpOf(() => encodeRuleDump(ruleFamily), 'list rules'));
  if (groups.has(C.RTNLGRP_NEXTHOP)) dumps.push(dumpOf(() => encodeNexthopDump(), 'list nexthops'));
  const joined = new Set(groups);
  if (resolveNames) joined.add(C.RTNLGRP_LINK);
  return {
    protocol: NETLINK_ROUTE,
    groups: [...joined],
    decode: makeDecoder(names, groups),
    dumps,
    prepare: resolveNames ? primeNames(names) : undefined,
    name: 'rtnetlink monitor',
    typeName: (type) => C.constantName('RTM_', type, ['RTM_F_', 'RTM_BASE']),
  };
}

/**
 * Follow rtnetlink changes as an async iterable of typed events (plus 'overrun' and
 * 'synced'). Subscribed when it returns; `break` or the abort signal unsubscribes.
 *
 * ```ts
 * for await (const ev of monitorRtnl({ groups: ['link', 'address'], listExisting: true })) {
 *   if (ev.type === 'overrun') continue;          // with resync: a fresh listing follows
 *   if (ev.type === 'synced') continue;           // listing done; changes follow
 *   console.log(ev.type, ev.kind, ev.object);
 * }
 * ```
 */
export function monitorRtnl(options: RtnlMonitorOptions = {}): Subscription<RtnlEvent> {
  const { groups, resolveNames, ...rest } = options;
  return new Subscription(rtnlMonitorSource(groups, { resolveNames }), rest);
}
