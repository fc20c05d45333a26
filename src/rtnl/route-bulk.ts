// Many route changes at once (`ip -batch` with thousands of `route add` lines): every spec is
// checked before anything is sent, link names are looked up once each, and the requests go
// through NetlinkSocket.bulk(): hundreds per sendmsg(), written straight into one buffer, the
// kernel answering only failures. Each failure keeps its own error; the rest succeeded.
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../netlink/constants.js';
import { parseIPv4Number } from '../netlink/address.js';
import { ValidationError } from '../netlink/errors.js';
import type { BulkOptions, NetlinkSocket } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import type { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { loadSchemas } from './lazy-schemas.js';
import { isPlainLinkName, isU32 } from './quick-checks.js';
import { linkIndex, type LinkSelector } from './link-ops.js';
import { describeRouteAttribute, writeDelRoute, writeNewRoute, type RouteAttrs, type RouteWriteMode } from './route.js';
import { describeRoute, routeAttrs, routeDevices, type RouteSpec } from './route-ops.js';

export interface RouteBulkOptions {
  signal?: AbortSignal;
  /** Requests per sendmsg() at most (default: what the receive queue can answer; see NetlinkSocket.bulk). */
  chunk?: number;
}

/** A route of a bulk call that the kernel refused (or whose link could not be found). */
export interface RouteBulkFailure {
  index: number;
  spec: RouteSpec;
  error: Error;
}

type BulkMode = RouteWriteMode | 'delete';

/**
 * Add many routes (`ip route add` each): resolves with the ones that failed, in input order
 * (an empty array when all were added). Bad input anywhere is refused before anything is
 * sent, with a ValidationError naming the route (`routes[12].via`).
 */
export function addRoutes(sock: NetlinkSocket, specs: readonly RouteSpec[], opts: RouteBulkOptions = {}): Promise<RouteBulkFailure[]> {
  return writeRoutes(sock, specs, 'add', opts);
}

/** `ip route replace` for many routes. */
export function replaceRoutes(sock: NetlinkSocket, specs: readonly RouteSpec[], opts: RouteBulkOptions = {}): Promise<RouteBulkFailure[]> {
  return writeRoutes(sock, specs, 'replace', opts);
}

/** `ip route del` for many routes (each deletes the first route matching what it gives). */
export function deleteRoutes(sock: NetlinkSocket, specs: readonly RouteSpec[], opts: RouteBulkOptions = {}): Promise<RouteBulkFailure[]> {
  return writeRoutes(sock, specs, 'delete', opts);
}

// The common shape of bulk specs ({ to: IPv4 prefix | 'default', dev?, via?: IPv4, table?,
// metric? }) is parsed into these columns without an object per route; anything else takes
// the general path (zod, then routeAttrs()) and its error messages.
interface Plain {
  dst: Uint32Array;
  gateway: Uint32Array;
  dstLen: Uint8Array;
  hasGw: Uint8Array;
}

const NAMED_TABLES: Record<string, number> = { main: C.RT_TABLE_MAIN, local: C.RT_TABLE_LOCAL, default: C.RT_TABLE_DEFAULT };

/** Fill column i for a plain spec; false when the spec is not plain (it then takes the general path). */
function parsePlain(spec: RouteSpec, i: number, plain: Plain): boolean {
  if (spec === null || typeof spec !== 'object') return false;
  for (const k in spec) if (k !== 'to' && k !== 'dev' && k !== 'via' && k !== 'table' && k !== 'metric') return false;
  const to = spec.to;
  if (typeof to !== 'string') return false;
  if (to === 'default') {
    plain.dst[i] = 0; plain.dstLen[i] = 0;
  } else {
    const slash = to.indexOf('/');
    const a = parseIPv4Number(to, 0, slash < 0 ? to.length : slash);
    if (a < 0) return false;
    let len = 32;
    if (slash >= 0) {
      const n = to.length - slash - 1;
      if (n < 1 || n > 2) return false;
      len = 0;
      for (let j = slash + 1; j < to.length; j++) {
        const c = to.charCodeAt(j);
        if (c < 48 || c > 57) return false;
        len = len * 10 + (c - 48);
      }
      if (len > 32 || (n === 2 && to.charCodeAt(slash + 1) === 48)) return false;
    }
    plain.dst[i] = a; plain.dstLen[i] = len;
  }
  if (spec.via !== undefined) {
    if (typeof spec.via !== 'string') return false;
    const g = parseIPv4Number(spec.via);
    if (g < 0) return false;
    plain.gateway[i] = g; plain.hasGw[i] = 1;
  } else plain.hasGw[i] = 0;
  const dev = spec.dev;
  if (dev !== undefined && !(typeof dev === 'number' ? Number.isInteger(dev) && dev > 0 && dev <= 0x7fffffff : isPlainLinkName(dev))) return false;
  const t = spec.table;
  if (t !== undefined && !(isU32(t) || (typeof t === 'string' && NAMED_TABLES[t] !== undefined))) return false;
  if (spec.metric !== undefined && !isU32(spec.metric)) return false;
  return true;
}

const FLAGS: Record<RouteWriteMode, number> = {
  add: NLM_F_CREATE | NLM_F_EXCL, replace: NLM_F_CREATE | NLM_F_REPLACE, append: NLM_F_CREATE | 0x800, prepend: NLM_F_CREATE,
};

/**
 * One plain route as writeNewRoute/writeDelRoute would write it (same attributes, same order),
 * without building its RouteAttrs.
 */
function writePlain(w: MessageWriter, mode: BulkMode, plain: Plain, i: number, spec: RouteSpec, oif: number | undefined): void {
  const del = mode === 'delete';
  const start = w.begin(del ? C.RTM_DELROUTE : C.RTM_NEWROUTE, del ? 0 : FLAGS[mode]);
  const t = spec.table;
  const table = t === undefined ? C.RT_TABLE_MAIN : typeof t === 'number' ? t : NAMED_TABLES[t]!;
  const hasGw = plain.hasGw[i] === 1;
  const dstLen = plain.dstLen[i]!;
  w.u8(C.AF_INET).u8(dstLen).u8(0).u8(0).u8(table < 256 ? table : C.RT_TABLE_UNSPEC)
    .u8(del ? C.RTPROT_UNSPEC : C.RTPROT_BOOT)
    .u8(del ? C.RT_SCOPE_NOWHERE : hasGw ? C.RT_SCOPE_UNIVERSE : C.RT_SCOPE_LINK)
    .u8(del ? C.RTN_UNSPEC : C.RTN_UNICAST).u32(0);
  w.attrU32(C.RTA_TABLE, table);
  if (spec.to !== 'default') w.attrBe32(C.RTA_DST, plain.dst[i]!);
  if (spec.metric !== undefined) w.attrU32(C.RTA_PRIORITY, spec.metric);
  if (hasGw) w.attrBe32(C.RTA_GATEWAY, plain.gateway[i]!);
  if (oif !== undefined) w.attrU32(C.RTA_OIF, oif);
  w.end(start);
}

async function writeRoutes(sock: NetlinkSocket, specs: readonly RouteSpec[], mode: BulkMode, opts: RouteBulkOptions): Promise<RouteBulkFailure[]> {
  if (!Array.isArray(specs)) throw new ValidationError('routes', 'expected an array of route specs');
  const n = specs.length;
  const verb = mode === 'delete' ? 'delete' : mode;
  const plain: Plain = { dst: new Uint32Array(n), gateway: new Uint32Array(n), dstLen: new Uint8Array(n), hasGw: new Uint8Array(n) };
  const isPlain = new Uint8Array(n);
  // Every spec is checked before the first syscall (link lookups included).
  const general = new Map<number, RouteSpec>();
  for (let i = 0; i < n; i++) {
    if (parsePlain(specs[i]!, i, plain)) isPlain[i] = 1;
    else general.set(i, validate((await loadSchemas()).routeSpecSchema, specs[i], `routes[${i}]`) as RouteSpec);
  }
  // Each distinct link name is looked up once; a name that is not there fails its routes only.
  const names = new Map<LinkSelector, number | Error>();
  for (let i = 0; i < n; i++) {
    const s = isPlain[i] ? specs[i]! : general.get(i)!;
    if (typeof s.dev === 'string' && !names.has(s.dev)) names.set(s.dev, 0);
    if (!isPlain[i]) for (const d of routeDevices(s)) if (typeof d === 'string' && !names.has(d)) names.set(d, 0);
  }
  for (const name of names.keys()) {
    try {
      names.set(name, await linkIndex(sock, name, `${verb} routes: dev ${String(name)}`));
    } catch (err) {
      names.set(name, err as Error);
    }
  }
  const ifindexOf = (sel: LinkSelector): number => {
    if (typeof sel === 'number') return sel;
    const v = names.get(sel);
    if (v instanceof Error) throw v;
    return v!;
  };
  const describe = (i: number): string => `${verb} route ${describeRoute(general.get(i) ?? specs[i]!)}`;
  const bulkOpts: BulkOptions = {
    describe, headerSize: C.RTMSG_LEN, describeAttribute: describeRouteAttribute, chunk: opts.chunk, signal: opts.signal,
  };
  const failures = await sock.bulk(n, (i, w) => {
    if (isPlain[i]) {
      const s = specs[i]!;
      writePlain(w, mode, plain, i, s, s.dev === undefined ? undefined : ifindexOf(s.dev));
      return;
    }
    const a: RouteAttrs = routeAttrs(general.get(i)!, mode === 'delete', ifindexOf);
    if (mode === 'delete') writeDelRoute(w, a);
    else writeNewRoute(w, a, mode);
  }, bulkOpts);
  return failures.map((f) => ({ index: f.index, spec: specs[f.index]!, error: f.error }));
}
