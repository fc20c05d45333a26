// Requests of the tc family, pure: friendly specs (with devices already resolved to ifindexes)
// to the bytes of RTM_{NEW,DEL,GET}{QDISC,TCLASS,TFILTER,ACTION}, through the declared family.
// Everything is validated here, before a socket is touched.
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../netlink/constants.js';
import { ValidationError } from '../netlink/errors.js';
import { MessageWriter } from '../netlink/writer.js';
import { actionList, type ActionInput } from './actions.js';
import { tc } from './family.js';
import { filterOptions, protocolNumber, type FilterOptions } from './filter-options.js';
import { parseClassId, parseFilterParent, parseQdiscHandle, parseU32Handle, TC_H_INGRESS, TC_H_ROOT, type HandleInput } from './handle.js';
import { classOptions, qdiscOptions, type ClassOptions, type QdiscOptions } from './qdisc-options.js';
import { parseRate } from './units.js';

/** add = create, fail if it exists (tc add); replace = create or replace; change = modify an existing one; link = tc link. */
export type Mode = 'add' | 'replace' | 'change' | 'link';

export const MODE_FLAGS: Record<Mode, number> = {
  add: NLM_F_CREATE | NLM_F_EXCL,
  replace: NLM_F_CREATE | NLM_F_REPLACE,
  change: 0,
  link: NLM_F_REPLACE,
};

export type Resolve = (dev: string | number) => number;

export interface QdiscSpec {
  dev: string | number;
  /** "root" (default), a class ("1:10"), or "ingress"/"clsact" for those kinds. */
  parent?: HandleInput;
  /** "1:" (default: the kernel picks one; ffff: for ingress and clsact). */
  handle?: HandleInput;
  /** A rate estimator (tc's `estimator INTERVAL TIME_CONSTANT`): log2 of 250 ms units. */
  estimator?: { interval: number; ewmaLog: number };
}
export type QdiscRequest = QdiscSpec & QdiscOptions;

export interface ClassSpec { dev: string | number; parent: HandleInput; classid: HandleInput }
export type ClassRequest = ClassSpec & ClassOptions;

export interface FilterSpec {
  dev: string | number;
  /** The qdisc or class ("1:", "ffff:", "ingress"/"egress" of clsact). */
  parent: HandleInput;
  /** Ethertype: ip, ipv6, arp, all (default), 802.1q... */
  protocol?: string | number;
  /** Priority (tc's pref / prio); 0 lets the kernel choose. */
  prio?: number;
  handle?: HandleInput;
  chain?: number;
}
export type FilterRequest = FilterSpec & FilterOptions;

function header(ifindex: number, handle: number, parent: number, info = 0): Record<string, number> {
  return { family: 0, ifindex, handle: handle >>> 0, parent: parent >>> 0, info: info >>> 0 };
}

function encode(op: string, flags: number, hdr: Record<string, unknown>, attrs: Record<string, unknown>): Uint8Array {
  return tc.encode({ op, header: hdr, attrs, flags });
}

/** The parent and handle of a qdisc as tc derives them (ingress and clsact have fixed ones). */
export function qdiscPlace(q: { kind: string; parent?: HandleInput; handle?: HandleInput }): { parent: number; handle: number } {
  if (q.kind === 'ingress' || q.kind === 'clsact') {
    if (q.handle !== undefined && parseQdiscHandle(q.handle) !== 0xffff0000) throw new ValidationError('handle', `${q.kind} always has handle ffff:`);
    return { parent: TC_H_INGRESS, handle: 0xffff0000 };
  }
  const parent = q.parent === undefined ? TC_H_ROOT : parseClassId(q.parent, 'parent');
  if (parent === TC_H_INGRESS) throw new ValidationError('parent', 'only ingress and clsact qdiscs attach at ingress');
  return { parent, handle: q.handle === undefined ? 0 : parseQdiscHandle(q.handle) };
}

export function encodeQdisc(mode: Mode, q: QdiscRequest, ifindex: number): Uint8Array {
  const { parent, handle } = qdiscPlace(q);
  const attrs: Record<string, unknown> = { kind: q.kind };
  const options = qdiscOptions(q);
  if (options) attrs.options = options;
  if (q.estimator) attrs.rate = { interval: q.estimator.interval, 'ewma-log': q.estimator.ewmaLog };
  return encode('newqdisc', MODE_FLAGS[mode], header(ifindex, handle, parent), attrs);
}

export function encodeDelQdisc(q: { kind?: string; parent?: HandleInput; handle?: HandleInput }, ifindex: number): Uint8Array {
  const { parent, handle } = qdiscPlace({ kind: q.kind ?? '', parent: q.parent, handle: q.handle });
  return encode('delqdisc', 0, header(ifindex, handle, parent), q.kind ? { kind: q.kind } : {});
}

export function encodeQdiscDump(ifindex = 0, dumpInvisible = false): Uint8Array {
  return tc.encode({ op: 'getqdisc', mode: 'dump', header: header(ifindex, 0, 0), attrs: dumpInvisible ? { 'dump-invisible': true } : {} });
}

export function encodeClass(mode: Mode, c: ClassRequest, ifindex: number): Uint8Array {
  const parent = parseClassId(c.parent, 'parent');
  const handle = parseClassId(c.classid, 'classid');
  const attrs = { kind: c.kind, options: classOptions(c) };
  return encode('newtclass', MODE_FLAGS[mode], header(ifindex, handle, parent), attrs);
}

export function encodeDelClass(c: { parent?: HandleInput; classid: HandleInput }, ifindex: number): Uint8Array {
  return encode('deltclass', 0, header(ifindex, parseClassId(c.classid, 'classid'), c.parent === undefined ? 0 : parseClassId(c.parent)), {});
}

export function encodeClassDump(ifindex: number, parent = 0): Uint8Array {
  return tc.encode({ op: 'gettclass', mode: 'dump', header: header(ifindex, 0, parent), attrs: {} });
}

function filterInfo(f: { protocol?: string | number; prio?: number }): { info: number; protocol: number } {
  const protocol = protocolNumber(f.protocol);
  const prio = f.prio ?? 0;
  if (!Number.isInteger(prio) || prio < 0 || prio > 0xffff) throw new ValidationError('prio', `${prio} is not in 0..65535`);
  // tcm_info: priority in the upper half, the ethertype in network order in the lower.
  const swapped = ((protocol & 0xff) << 8) | (protocol >> 8);
  return { info: ((prio << 16) | swapped) >>> 0, protocol };
}

function filterHandle(f: { kind?: string; handle?: HandleInput }): number {
  if (f.handle === undefined) return 0;
  if (f.kind === 'u32') return parseU32Handle(f.handle, 'handle');
  if (typeof f.handle === 'number') return f.handle >>> 0;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(f.handle)) return Number(f.handle) >>> 0;
  return parseClassId(f.handle, 'handle');
}

/** A filter's header and attributes (shared by the single and the bulk writer). */
export function filterParts(f: FilterRequest, ifindex: number, resolve: Resolve): { header: Record<string, number>; attrs: Record<string, unknown> } {
  const parent = parseFilterParent(f.parent, 'parent');
  const { info, protocol } = filterInfo(f);
  const attrs: Record<string, unknown> = { kind: f.kind };
  if (f.chain !== undefined) attrs.chain = checkChain(f.chain);
  attrs.options = filterOptions(f, protocol, resolve);
  return { header: header(ifindex, filterHandle(f), parent, info), attrs };
}

export function encodeFilter(mode: Mode, f: FilterRequest, ifindex: number, resolve: Resolve): Uint8Array {
  const { header: h, attrs } = filterParts(f, ifindex, resolve);
  return encode('newtfilter', MODE_FLAGS[mode], h, attrs);
}

/** Writes the request into `w` (bulk: thousands in one buffer). */
export function writeFilter(w: MessageWriter, mode: Mode, f: FilterRequest, ifindex: number, resolve: Resolve): void {
  const { header: h, attrs } = filterParts(f, ifindex, resolve);
  tc.encodeInto(w, 'newtfilter', MODE_FLAGS[mode], h, attrs);
}

function checkChain(c: number): number {
  if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) throw new ValidationError('chain', `${c} is not a chain index`);
  return c;
}

export interface FilterSelector { dev: string | number; parent: HandleInput; protocol?: string | number; prio?: number; handle?: HandleInput; kind?: string; chain?: number }

export function encodeDelFilter(f: FilterSelector, ifindex: number): Uint8Array {
  const parent = parseFilterParent(f.parent, 'parent');
  const { info } = f.protocol === undefined && f.prio === undefined ? { info: 0 } : filterInfo(f);
  const attrs: Record<string, unknown> = {};
  if (f.kind) attrs.kind = f.kind;
  if (f.chain !== undefined) attrs.chain = checkChain(f.chain);
  return encode('deltfilter', 0, header(ifindex, filterHandle(f), parent, info), attrs);
}

export function encodeFilterDump(ifindex: number, parent: number, opts: { protocol?: string | number; prio?: number; chain?: number } = {}): Uint8Array {
  const info = opts.protocol === undefined && opts.prio === undefined ? 0 : filterInfo(opts).info;
  const attrs: Record<string, unknown> = {};
  if (opts.chain !== undefined) attrs.chain = checkChain(opts.chain);
  return tc.encode({ op: 'gettfilter', mode: 'dump', header: header(ifindex, 0, parent, info), attrs });
}

/** RTM_NEWACTION: shared actions (tc actions add), bound to filters later by index. */
export function encodeActions(mode: Mode, list: readonly ActionInput[], resolve: Resolve): Uint8Array {
  if (!list.length) throw new ValidationError('actions', 'no actions given');
  return tc.encode({ op: 'newaction', header: { family: 0 }, attrs: { tab: actionList(list, resolve) }, flags: MODE_FLAGS[mode] });
}

export function encodeDelAction(kind: string, index: number): Uint8Array {
  return tc.encode({ op: 'delaction', header: { family: 0 }, attrs: { tab: [{ kind, index }] } });
}

/** Dump of one kind's actions (tc actions list action KIND). */
export function encodeActionDump(kind: string): Uint8Array {
  return tc.encode({ op: 'getaction', mode: 'dump', header: { family: 0 }, attrs: { tab: [{ kind }] } });
}

/** Checks a rate without building anything (tc refuses a rate of 0 the same way). */
export function checkRate(v: unknown, field: string): void {
  parseRate(v as string, field);
}
