// Route operations over a NetlinkSocket (`ip route add/replace/append/del/show/get`).
import type { EncapSpec } from './route-encap.js';
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import { NetlinkError, NetlinkTsError, ValidationError, encodeNamed } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import { parseIP } from '../netlink/address.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { parseAddressPrefix, scopeNumber } from './address.js';
import { familyNumber } from './address-ops.js';
import { linkIndex, linkNameMap, type LinkSelector } from './link-ops.js';
import {
  decodeRoute, decodeRouteAt, describeRouteAttribute, encodeDelRoute, encodeGetRoute, encodeNewRoute, encodeRouteDump, metricNumber,
  protocolNumber, routeTypeNumber, tableNumber, type AddressCache, type IfNameResolver, type NexthopAttrs, type Route, type RouteAttrs, type RouteWriteMode,
} from './route.js';

export type RouteMetricName = 'mtu' | 'window' | 'rtt' | 'rttvar' | 'ssthresh' | 'cwnd' | 'advmss' | 'reordering' | 'hoplimit'
  | 'initcwnd' | 'features' | 'rto_min' | 'initrwnd' | 'quickack' | 'fastopen_no_cookie';

/** Route metrics (RTA_METRICS) under ip's names; `lock` lists the metrics to lock. */
export type RouteMetrics = Partial<Record<RouteMetricName, number | boolean>> & { congestion?: string; lock?: string[] };

export interface NexthopSpec {
  via?: string;
  dev?: LinkSelector;
  /** 1-256 (default 1). */
  weight?: number;
  onlink?: boolean;
  /** This hop's lwtunnel encapsulation (`nexthop via X dev Y encap ...`). */
  encap?: EncapSpec;
}

/** `ip route add TO [via GW] [dev DEV] ...`, with ip's words. */
export interface RouteSpec {
  /** "default", a prefix, or a bare address (host route). */
  to: string;
  /** Family of a "default" route without a gateway (default IPv4). */
  family?: 4 | 6 | 'inet' | 'inet6';
  via?: string;
  dev?: LinkSelector;
  /** Preferred source (RTA_PREFSRC, ip's `src`). */
  src?: string;
  /** Source prefix (RTA_SRC, ip's `from`; IPv6 subtrees). */
  from?: string;
  /** Default main; numbers above 255 go in RTA_TABLE. */
  table?: number | 'main' | 'local' | 'default';
  /** RTA_PRIORITY (ip's metric/preference). */
  metric?: number;
  /** Default "boot" (as ip). */
  protocol?: string | number;
  /** Default: link for a unicast route without a gateway, host for local/nat, link for broadcast/multicast/anycast, else global (as ip). */
  scope?: 'global' | 'site' | 'link' | 'host' | 'nowhere' | number;
  type?: 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat';
  tos?: number;
  onlink?: boolean;
  /** IPv6 router preference. */
  pref?: 'low' | 'medium' | 'high';
  /** IPv6 route lifetime in seconds. */
  expires?: number;
  metrics?: RouteMetrics;
  /** Multipath (RTA_MULTIPATH): instead of via/dev. */
  nexthops?: NexthopSpec[];
  /** Forward through this nexthop object (RTA_NH_ID, `ip route add ... nhid N`): instead of via/dev/nexthops. */
  nhid?: number;
  /** lwtunnel encapsulation (`ip route add ... encap ip|ip6|mpls|seg6 ...`). */
  encap?: EncapSpec;
}

export interface ListRoutesOptions {
  family?: 4 | 6 | 'inet' | 'inet6';
  /** Default "main" (as `ip route show`); "all" for every table. Filtered by the kernel (RTA_TABLE). */
  table?: number | 'main' | 'local' | 'default' | 'all';
  /** Kernel-side filters. */
  protocol?: string | number;
  type?: RouteSpec['type'];
  dev?: LinkSelector;
  /** The route cache / exceptions (RTM_F_CLONED), as `ip route show cache`. */
  cloned?: boolean;
  /** Name interfaces (dev, iif, nexthop dev); default true. */
  resolveNames?: boolean;
  signal?: AbortSignal;
}

export interface RouteQuery {
  to: string;
  from?: string;
  iif?: LinkSelector;
  oif?: LinkSelector;
  mark?: number;
  /** Return the FIB entry that matched rather than the resolved route. */
  fibmatch?: boolean;
  table?: number | 'main' | 'local' | 'default';
}

const routeReq = (operation: string, signal?: AbortSignal): RequestOptions => ({
  operation,
  headerSize: C.RTMSG_LEN,
  describeAttribute: describeRouteAttribute,
  signal,
});

function isRoute(m: MessageRef): boolean {
  return m.type === C.RTM_NEWROUTE;
}

/** `ip route show` (table main by default), filtered by the kernel. */
export async function listRoutes(sock: NetlinkSocket, opts: ListRoutesOptions & ConsistencyOptions = {}): Promise<DumpList<Route>> {
  // The plan's link-name dump is part of each attempt: under link churn it is the part flagged.
  return consistentDump<Route>('list routes', opts, async (out) => {
    const plan = await routeDumpPlan(sock, opts);
    for (const fam of plan.families) {
      try {
        for await (const chunk of sock.dumpDatagrams(plan.request(fam), routeReq('list routes', opts.signal))) {
          const { buf, end } = chunk;
          for (let p = chunk.start; p < end; p += (buf.view.getUint32(p, true) + 3) & ~3) {
            const r = routeAt(plan, fam, buf, p);
            if (r !== undefined) out.push(r);
          }
        }
      } catch (err) {
        if (!plan.missingTable(err)) throw err;
      }
    }
  });
}

/**
 * Like listRoutes, as an async iterable with constant memory: routes are decoded one at a
 * time as they are taken, straight from the received datagrams (the socket keeps a slow
 * consumer's backlog as bytes). Each step costs a promise round trip: for very large tables
 * routeBatches takes one step per datagram.
 */
export async function* iterateRoutes(sock: NetlinkSocket, opts: ListRoutesOptions = {}): AsyncGenerator<Route, void, undefined> {
  const plan = await routeDumpPlan(sock, opts);
  for (const fam of plan.families) {
    try {
      for await (const chunk of sock.dumpDatagrams(plan.request(fam), routeReq('list routes', opts.signal))) {
        const { buf, end } = chunk;
        for (let p = chunk.start; p < end; p += (buf.view.getUint32(p, true) + 3) & ~3) {
          const r = routeAt(plan, fam, buf, p);
          if (r !== undefined) yield r;
        }
      }
    } catch (err) {
      if (!plan.missingTable(err)) throw err;
    }
  }
}

/** The routes of each datagram of the dump as one array: constant memory, few awaits. */
export async function* routeBatches(sock: NetlinkSocket, opts: ListRoutesOptions = {}): AsyncGenerator<Route[], void, undefined> {
  const plan = await routeDumpPlan(sock, opts);
  for (const fam of plan.families) {
    try {
      for await (const chunk of sock.dumpDatagrams(plan.request(fam), routeReq('list routes', opts.signal))) {
        const out: Route[] = [];
        const { buf, end } = chunk;
        for (let p = chunk.start; p < end; p += (buf.view.getUint32(p, true) + 3) & ~3) {
          const r = routeAt(plan, fam, buf, p);
          if (r !== undefined) out.push(r);
        }
        if (out.length) yield out;
      }
    } catch (err) {
      if (!plan.missingTable(err)) throw err;
    }
  }
}

/** What a route dump asks the kernel for and how its messages are decoded and filtered. */
interface RouteDumpPlan {
  table: number;
  protocol: number | undefined;
  type: number | undefined;
  oif: number | undefined;
  families: number[];
  resolve: IfNameResolver | undefined;
  cache: AddressCache;
  request(family: number): Uint8Array;
  /** A table filter on a table this family lacks: ENOENT, an empty result for that family. */
  missingTable(err: unknown): boolean;
}

async function routeDumpPlan(sock: NetlinkSocket, opts: ListRoutesOptions): Promise<RouteDumpPlan> {
  const table = opts.table === 'all' ? 0 : tableNumber(opts.table ?? 'main');
  const protocol = opts.protocol !== undefined ? protocolNumber(opts.protocol) : undefined;
  const type = opts.type !== undefined ? routeTypeNumber(opts.type) : undefined;
  const oif = opts.dev !== undefined ? await linkIndex(sock, opts.dev, `list routes: dev ${opts.dev}`) : undefined;
  const family = familyNumber(opts.family);
  const names = (opts.resolveNames ?? true) ? await linkNameMap(sock, { signal: opts.signal }) : undefined;
  // A table filter on a table a family does not have makes that family's dump fail with
  // ENOENT ("FIB table does not exist") and, in an AF_UNSPEC dump, ends the other families'
  // part too: so with a table, each family is dumped on its own and a missing table is empty.
  return {
    table, protocol, type, oif,
    families: family !== C.AF_UNSPEC ? [family] : table ? [C.AF_INET, C.AF_INET6] : [C.AF_UNSPEC],
    resolve: names ? (i: number): string | undefined => names.get(i) : undefined,
    cache: new Map(),
    request: (fam) => encodeRouteDump({ family: fam, table, protocol, type, oif, cloned: opts.cloned }),
    missingTable: (err) => table !== 0 && err instanceof NetlinkError && err.code === 'ENOENT',
  };
}

/** The route of the message at `p` of a dump chunk, or undefined when it is not one to list. */
function routeAt(plan: RouteDumpPlan, fam: number, buf: NetlinkBuffer, p: number): Route | undefined {
  const view = buf.view;
  if (view.getUint16(p + 4, true) !== C.RTM_NEWROUTE) return undefined;
  const b = buf.bytes;
  const len = view.getUint32(p, true);
  // AF_UNSPEC dumps every family that has routes (ipmr, ip6mr, mpls too): keep IP ones.
  if (fam === C.AF_UNSPEC && len > 16) {
    const f = b[p + 16]!;
    if (f !== C.AF_INET && f !== C.AF_INET6) return undefined;
  }
  const r = decodeRouteAt(buf, p, plan.resolve, plan.cache);
  if (!(view.getUint16(p + 6, true) & NLM_F_DUMP_FILTERED)) {
    // Filters this kernel did not apply (old kernels, or no strict checking).
    const { table, protocol, type, oif } = plan;
    if (table && r.table_id !== table) return undefined;
    if (protocol !== undefined && b[p + 16 + 5] !== protocol) return undefined;
    if (type !== undefined && b[p + 16 + 7] !== type) return undefined;
    if (oif !== undefined && r.oif_index !== oif && !r.nexthops?.some((n) => n.oif_index === oif)) return undefined;
  }
  return r;
}

function hostBits(family: number): number {
  return family === C.AF_INET6 ? 128 : 32;
}

/** The link selectors a route spec names (dev, nexthops' dev), for resolving them before routeAttrs(). */
export function routeDevices(spec: RouteSpec): LinkSelector[] {
  const out: LinkSelector[] = [];
  if (spec.dev !== undefined) out.push(spec.dev);
  if (spec.nexthops) for (const nh of spec.nexthops) if (nh.dev !== undefined) out.push(nh.dev);
  return out;
}

async function resolveRoute(sock: NetlinkSocket, spec: RouteSpec, op: string, forDelete: boolean): Promise<RouteAttrs> {
  const known = new Map<LinkSelector, number>();
  if (spec.dev !== undefined) known.set(spec.dev, await linkIndex(sock, spec.dev, op));
  for (const [i, nh] of (spec.nexthops ?? []).entries()) {
    if (nh.dev !== undefined && !known.has(nh.dev)) known.set(nh.dev, await linkIndex(sock, nh.dev, `${op}: nexthops.${i}.dev ${nh.dev}`));
  }
  return routeAttrs(spec, forDelete, (sel) => known.get(sel)!);
}

/**
 * A route spec as kernel numbers and bytes. Synchronous: link names come from `ifindexOf`,
 * resolved beforehand (one lookup per distinct name, however many routes use it).
 */
export function routeAttrs(spec: RouteSpec, forDelete: boolean, ifindexOf: (sel: LinkSelector) => number): RouteAttrs {
  let family: number;
  let dst: Uint8Array | undefined;
  let dstLen = 0;
  if (spec.to.startsWith('default')) {
    const hint = spec.via ?? spec.nexthops?.find((n) => n.via)?.via ?? spec.src;
    family = spec.to === 'default6' ? C.AF_INET6 : spec.to === 'default4' ? C.AF_INET
      : spec.family !== undefined ? familyNumber(spec.family) : hint?.includes(':') ? C.AF_INET6 : C.AF_INET;
  } else {
    const p = parseAddressPrefix(spec.to);
    family = p.family;
    dstLen = p.prefixlen;
    dst = p.bytes;
    // The kernel refuses host bits set under the prefix ("Invalid prefix for given prefix length").
  }
  const type = spec.type !== undefined ? routeTypeNumber(spec.type) : C.RTN_UNICAST;
  // ip's rule: a unicast route without a gateway, multipath or nexthop object is scope link.
  const hasGw = spec.via !== undefined || spec.nexthops !== undefined || spec.nhid !== undefined;
  let scope: number;
  if (spec.scope !== undefined) scope = scopeNumber(spec.scope);
  else if (forDelete) scope = C.RT_SCOPE_NOWHERE;
  else if (type === C.RTN_LOCAL || type === C.RTN_NAT) scope = C.RT_SCOPE_HOST;
  else if (type === C.RTN_BROADCAST || type === C.RTN_MULTICAST || type === C.RTN_ANYCAST) scope = C.RT_SCOPE_LINK;
  else if (type === C.RTN_UNICAST && !hasGw) scope = C.RT_SCOPE_LINK;
  else scope = C.RT_SCOPE_UNIVERSE;
  const a: RouteAttrs = {
    family,
    dstLen,
    dst,
    tos: spec.tos,
    table: spec.table !== undefined ? tableNumber(spec.table) : C.RT_TABLE_MAIN,
    protocol: spec.protocol !== undefined ? protocolNumber(spec.protocol) : forDelete ? C.RTPROT_UNSPEC : C.RTPROT_BOOT,
    scope,
    type: forDelete && spec.type === undefined ? C.RTN_UNSPEC : type,
    flags: spec.onlink ? C.RTNH_F_ONLINK : 0,
    priority: spec.metric,
  };
  if (spec.via !== undefined) {
    a.gateway = parseIP(spec.via);
    const gwFamily = spec.via.includes(':') ? C.AF_INET6 : C.AF_INET;
    if (gwFamily !== family) a.viaFamily = gwFamily;
  }
  if (spec.dev !== undefined) a.oif = ifindexOf(spec.dev);
  if (spec.nhid !== undefined) a.nhid = spec.nhid;
  if (spec.encap !== undefined) a.encap = spec.encap;
  if (spec.src !== undefined) a.prefsrc = parseIP(spec.src);
  if (spec.from !== undefined) {
    const p = parseAddressPrefix(spec.from);
    a.src = p.bytes;
    a.srcLen = p.prefixlen;
  }
  if (spec.pref !== undefined) a.pref = spec.pref === 'low' ? C.ICMPV6_ROUTER_PREF_LOW : spec.pref === 'high' ? C.ICMPV6_ROUTER_PREF_HIGH : C.ICMPV6_ROUTER_PREF_MEDIUM;
  if (spec.expires !== undefined) a.expires = spec.expires;
  if (spec.metrics) {
    const mx: Array<[number, number | string]> = [];
    let lock = 0;
    for (const [k, v] of Object.entries(spec.metrics)) {
      if (k === 'lock') {
        for (const name of v as string[]) {
          const n = metricNumber(name);
          if (n === undefined) throw new ValidationError('route.metrics.lock', `unknown metric ${name}`);
          lock |= 1 << n;
        }
        continue;
      }
      const n = metricNumber(k);
      if (n === undefined || v === undefined) continue;
      if (n === C.RTAX_CC_ALGO) mx.push([n, String(v)]);
      else if (n === C.RTAX_RTT) mx.push([n, Number(v) * 8]);
      else if (n === C.RTAX_RTTVAR) mx.push([n, Number(v) * 4]);
      else mx.push([n, typeof v === 'boolean' ? (v ? 1 : 0) : (v as number)]);
    }
    a.metrics = mx;
    if (lock) a.metricsLock = lock;
  }
  if (spec.nexthops) {
    const nhs: NexthopAttrs[] = [];
    for (const nh of spec.nexthops) {
      const n: NexthopAttrs = { weight: nh.weight ?? 1, flags: nh.onlink ? C.RTNH_F_ONLINK : 0 };
      if (nh.via !== undefined) {
        n.gateway = parseIP(nh.via);
        const gf = nh.via.includes(':') ? C.AF_INET6 : C.AF_INET;
        if (gf !== family) n.viaFamily = gf;
      }
      if (nh.dev !== undefined) n.ifindex = ifindexOf(nh.dev);
      if (nh.encap !== undefined) n.encap = nh.encap;
      nhs.push(n);
    }
    a.nexthops = nhs;
  }
  void hostBits;
  return a;
}

export function describeRoute(spec: RouteSpec): string {
  let s = spec.to;
  if (spec.via !== undefined) s += ` via ${spec.via}`;
  if (spec.dev !== undefined) s += ` dev ${spec.dev}`;
  if (spec.table !== undefined) s += ` table ${spec.table}`;
  return s;
}

/**
 * The biggest route message a dump can carry. netlink_dump fills skbs of at most
 * SKB_WITH_OVERHEAD(32768) bytes (max_recvmsg_len is capped there, whatever buffer the reader
 * offers); a route that does not fit one ends every route dump at it with a clean NLMSG_DONE
 * (errno 0): it and every route after it vanish from every listing, `ip route` included, and
 * nothing on the wire says so. Measured on 6.18: 2,025 IPv4 nexthops list, 2,030 vanish.
 */
export const ROUTE_DUMP_MAX = 32448;
/** Room for what the kernel adds to a route in its dump (RTA_TABLE, RTA_PRIORITY, RTA_PREFSRC...). */
const DUMP_MARGIN = 64;

/** Refuse a route the kernel would accept but could never list (see ROUTE_DUMP_MAX). */
export function checkDumpable(size: number, v: RouteSpec, op: string): void {
  if (size + DUMP_MARGIN <= ROUTE_DUMP_MAX) return;
  const n = v.nexthops?.length;
  throw new ValidationError(v.nexthops ? 'route.nexthops' : 'route', `${op}: the request is ${size} bytes${n ? ` (${n} nexthops)` : ''}; `
    + `the kernel accepts routes up to 65,535 bytes but dumps only ${ROUTE_DUMP_MAX - DUMP_MARGIN}, and a bigger one silently ends every route dump at it (ip route included); `
    + 'split it into several routes or use a nexthop group');
}

// Encoders return a copy, so one writer, reset before each synchronous encode, serves every
// call: a fresh 256-byte writer per route was a tenth of a 100k-route add's time in GC.
const scratch = new MessageWriter(512);

async function writeRoute(sock: NetlinkSocket, spec: RouteSpec, mode: RouteWriteMode, verb: string, signal?: AbortSignal): Promise<void> {
  const v = validate((await import('./schemas.js')).routeSpecSchema, spec, 'route') as RouteSpec;
  const op = `${verb} route ${describeRoute(v)}`;
  const attrs = await resolveRoute(sock, v, op, false);
  const o = routeReq(op, signal);
  const msg = encodeNamed(o, () => encodeNewRoute(attrs, mode, scratch.reset()));
  checkDumpable(msg.length, v, op);
  await sock.request(msg, o);
}

/** `ip route add`: EEXIST if the same route is there. */
export function addRoute(sock: NetlinkSocket, spec: RouteSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeRoute(sock, spec, 'add', 'add', opts.signal);
}

/** `ip route replace`: add, or replace the route with the same key. */
export function replaceRoute(sock: NetlinkSocket, spec: RouteSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeRoute(sock, spec, 'replace', 'replace', opts.signal);
}

/** `ip route append`: add another route with the same key (IPv6 ECMP by appending). */
export function appendRoute(sock: NetlinkSocket, spec: RouteSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeRoute(sock, spec, 'append', 'append', opts.signal);
}

/** `ip route del`: the kernel deletes the first route matching the fields given. ESRCH if none. */
export async function deleteRoute(sock: NetlinkSocket, spec: RouteSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas.js');
  const v = validate(s.routeSpecSchema, spec, 'route') as RouteSpec;
  const op = `delete route ${describeRoute(v)}`;
  const attrs = await resolveRoute(sock, v, op, true);
  const o = routeReq(op, opts.signal);
  await sock.request(encodeNamed(o, () => encodeDelRoute(attrs, scratch.reset())), o);
}

/** `ip route get TO [from FROM] [iif DEV] [oif DEV] [mark M] [fibmatch]`. */
export async function getRoute(sock: NetlinkSocket, query: RouteQuery, opts: { signal?: AbortSignal } = {}): Promise<Route> {
  const s = await import('./schemas.js');
  const q = validate(s.routeGetSchema, query, 'query') as RouteQuery;
  const op = `get route ${q.to}`;
  const dst = parseIP(q.to)!;
  const family = dst.length === 16 ? C.AF_INET6 : C.AF_INET;
  const req = encodeGetRoute({
    family,
    dst,
    src: q.from !== undefined ? parseIP(q.from) : undefined,
    iif: q.iif !== undefined ? await linkIndex(sock, q.iif, `${op}: iif ${q.iif}`) : undefined,
    oif: q.oif !== undefined ? await linkIndex(sock, q.oif, `${op}: oif ${q.oif}`) : undefined,
    mark: q.mark,
    fibmatch: q.fibmatch,
    table: q.table !== undefined ? tableNumber(q.table) : undefined,
  });
  const replies = await sock.request(req, routeReq(op, opts.signal));
  const m = replies.find(isRoute);
  if (!m) throw new NetlinkTsError(`${op}: the kernel sent no route`);
  const names = await linkNameMap(sock);
  return decodeRoute(m, (i) => names.get(i));
}
