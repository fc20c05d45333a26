// Many route changes at once (`ip -batch` with thousands of `route add` lines): every spec is
// checked before anything is sent, link names are looked up once each, and the requests go
// through NetlinkSocket.bulk(): hundreds per sendmsg(), written straight into one buffer, the
// kernel answering only failures. Each failure keeps its own error; the rest succeeded.
import { ValidationError } from '../netlink/errors.js';
import type { BulkOptions, NetlinkSocket } from '../netlink/socket.js';
import { optionsOf, validate } from '../netlink/validate.js';
import * as C from './constants.js';
import { linkIndex, type LinkSelector } from './link-ops.js';
import { describeRouteAttribute, writeDelRoute, writeNewRoute, type RouteAttrs, type RouteWriteMode } from './route.js';
import { checkDumpable, describeRoute, routeAttrs, routeDevices, type RouteSpec } from './route-ops.js';

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

async function writeRoutes(sock: NetlinkSocket, specs: readonly RouteSpec[], mode: BulkMode, opts: RouteBulkOptions): Promise<RouteBulkFailure[]> {
  if (!Array.isArray(specs)) throw new ValidationError('routes', 'expected an array of route specs');
  opts = optionsOf(opts);
  const verb = mode === 'delete' ? 'delete' : mode;
  // Every spec is checked before the first syscall (link lookups included).
  const { routeSpecSchema } = await import('./schemas.js');
  const valid = specs.map((spec, i) => validate(routeSpecSchema, spec, `routes[${i}]`) as RouteSpec);
  // Each distinct link name is looked up once; a name that is not there fails its routes only.
  const names = new Map<LinkSelector, number | Error>();
  for (const s of valid) {
    if (typeof s.dev === 'string' && !names.has(s.dev)) names.set(s.dev, 0);
    for (const d of routeDevices(s)) if (typeof d === 'string' && !names.has(d)) names.set(d, 0);
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
  const describe = (i: number): string => `${verb} route ${describeRoute(valid[i]!)}`;
  const bulkOpts: BulkOptions = {
    describe, headerSize: C.RTMSG_LEN, describeAttribute: describeRouteAttribute, chunk: opts.chunk, signal: opts.signal,
  };
  const failures = await sock.bulk(valid.length, (i, w) => {
    const a: RouteAttrs = routeAttrs(valid[i]!, mode === 'delete', ifindexOf);
    if (mode === 'delete') writeDelRoute(w, a);
    else {
      const start = w.pos;
      writeNewRoute(w, a, mode);
      checkDumpable(w.pos - start, valid[i]!, describe(i));
    }
  }, bulkOpts);
  return failures.map((f) => ({ index: f.index, spec: specs[f.index]!, error: f.error }));
}
