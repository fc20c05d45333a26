// Typed tc objects from messages decoded by the family (family.ts): qdiscs, classes, filters
// and actions with their handles, options as the declaration decodes them, and statistics
// (tc -s: basic, queue, rate estimator, xstats per kind). One decoder for library, CLI, monitor
// and fuzzer; presentation (present.ts) reads these, never the bytes.
import type { DecodedMessage } from '../netlink/spec/family.js';
import { RTM_DELACTION, RTM_DELQDISC, RTM_DELTCLASS, RTM_DELTFILTER, RTM_NEWACTION, RTM_NEWQDISC, RTM_NEWTCLASS, RTM_NEWTFILTER } from './family.js';

export interface TcStats {
  bytes: bigint;
  packets: number;
  drops: number;
  overlimits: number;
  requeues: number;
  backlog: number;
  qlen: number;
  /** Rate estimator (present when one runs: tc's `estimator`), bytes/s and packets/s. */
  rate?: { bps: bigint; pps: bigint };
}

interface Base {
  /** A notification's or reply's message type: new object or deleted one. */
  event: 'new' | 'del';
  /** nlmsg_flags (NLM_F_CREATE/EXCL/REPLACE on notifications: added / replaced). */
  msgFlags: number;
  ifindex: number;
  /** The device's name when it could be resolved. */
  dev?: string;
  kind: string;
  handle: number;
  parent: number;
  /** The kind's options, decoded by the declaration (attribute names of the kernel's tc spec). */
  options?: Record<string, unknown>;
  stats?: TcStats;
  /** Kind-specific statistics (htb's lends/borrows/tokens, fq_codel's...). */
  xstats?: Record<string, unknown>;
  chain?: number;
  /** Everything the message carried, as decoded (for fields no view above names). */
  attrs: Record<string, unknown>;
}

export interface Qdisc extends Base { type: 'qdisc'; /** tcm_info: the qdisc's reference count. */ refcnt: number }
export interface TcClass extends Base { type: 'class'; /** tcm_info: the leaf qdisc's handle, 0 if none. */ leaf: number }
export interface Filter extends Base { type: 'filter'; /** Ethertype, host order. */ protocol: number; prio: number }
export interface Action {
  type: 'action';
  event: 'new' | 'del';
  kind: string;
  /** Position in its list (1-based), as tc prints "action order N". */
  order: number;
  index?: number;
  options?: Record<string, unknown>;
  stats?: TcStats;
  attrs: Record<string, unknown>;
}
export type TcObject = Qdisc | TcClass | Filter;

export type NameOf = (ifindex: number) => string | undefined;

function statsFrom(attrs: Record<string, unknown>, nest = 'stats2'): TcStats | undefined {
  const s2 = attrs[nest] as Record<string, any> | undefined;
  if (s2) {
    // A class without counters of its own (tbf's) still gets an empty TCA_STATS2.
    if (!s2.basic && !s2.queue && !s2['rate-est'] && !s2['rate-est64']) return undefined;
    const basic = s2.basic ?? {};
    const queue = s2.queue ?? {};
    const out: TcStats = {
      bytes: BigInt(basic.bytes ?? 0n),
      packets: s2.pkt64 !== undefined ? Number(s2.pkt64) : (basic.packets ?? 0),
      drops: queue.drops ?? 0, overlimits: queue.overlimits ?? 0, requeues: queue.requeues ?? 0,
      backlog: queue.backlog ?? 0, qlen: queue.qlen ?? 0,
    };
    const r64 = s2['rate-est64'];
    const r = s2['rate-est'];
    // Struct fields a short (truncated) struct lacks read as 0.
    if (r64) out.rate = { bps: BigInt(r64.bps ?? 0), pps: BigInt(r64.pps ?? 0) };
    else if (r) out.rate = { bps: BigInt(r.bps ?? 0), pps: BigInt(r.pps ?? 0) };
    return out;
  }
  const s = attrs.stats as Record<string, any> | undefined;
  if (!s) return undefined;
  const z = (k: string): number => (s[k] as number | undefined) ?? 0;
  return { bytes: BigInt(s.bytes ?? 0n), packets: z('packets'), drops: z('drops'), overlimits: z('overlimits'), requeues: 0, backlog: z('backlog'), qlen: z('qlen'), ...(s.bps || s.pps ? { rate: { bps: BigInt(z('bps')), pps: BigInt(z('pps')) } } : {}) };
}

function base(d: DecodedMessage, names?: NameOf, del = false): Base {
  const h = (d.header ?? {}) as Record<string, number>;
  const a = d.attrs;
  const out: Base = {
    event: del ? 'del' : 'new',
    msgFlags: d.flags,
    ifindex: h.ifindex ?? 0,
    kind: (a.kind as string | undefined) ?? '',
    handle: (h.handle ?? 0) >>> 0,
    parent: (h.parent ?? 0) >>> 0,
    attrs: a,
  };
  const dev = names?.(out.ifindex);
  if (dev !== undefined) out.dev = dev;
  // An empty TCA_OPTIONS (ingress, clsact) is still options: tc prints them (ingress' dashes).
  if (a.options !== undefined) out.options = a.options instanceof Uint8Array ? (a.options.length ? { $bytes: a.options } : {}) : (a.options as Record<string, unknown>);
  const st = statsFrom(a);
  if (st) out.stats = st;
  if (a.xstats !== undefined) out.xstats = a.xstats instanceof Uint8Array ? { $bytes: a.xstats } : (a.xstats as Record<string, unknown>);
  if (a.chain !== undefined) out.chain = a.chain as number;
  return out;
}

export function qdiscFrom(d: DecodedMessage, names?: NameOf): Qdisc {
  return { type: 'qdisc', ...base(d, names, d.type === RTM_DELQDISC), refcnt: ((d.header as Record<string, number>)?.info ?? 0) >>> 0 };
}

export function classFrom(d: DecodedMessage, names?: NameOf): TcClass {
  return { type: 'class', ...base(d, names, d.type === RTM_DELTCLASS), leaf: ((d.header as Record<string, number>)?.info ?? 0) >>> 0 };
}

export function filterFrom(d: DecodedMessage, names?: NameOf): Filter {
  const info = ((d.header as Record<string, number>)?.info ?? 0) >>> 0;
  const p = info & 0xffff;
  return { type: 'filter', ...base(d, names, d.type === RTM_DELTFILTER), protocol: ((p & 0xff) << 8) | (p >> 8), prio: info >>> 16 };
}

/** The actions of an action list (a filter's act, or RTM_NEWACTION's tab). */
export function actionsFrom(list: unknown, event: 'new' | 'del' = 'new'): Action[] {
  if (!Array.isArray(list)) return [];
  return list.map((raw, i) => {
    const a = raw as Record<string, any>;
    const options = a.options instanceof Uint8Array ? undefined : (a.options as Record<string, any> | undefined);
    const parms = options?.parms ?? options?.tbf;
    const out: Action = { type: 'action', event, kind: a.kind ?? '', order: i + 1, attrs: a };
    const index = a.index ?? parms?.index;
    if (index !== undefined) out.index = index;
    if (options) out.options = options;
    const st = statsFrom(a, 'stats');
    if (st) out.stats = st;
    return out;
  });
}

/** Any tc message as its object (undefined for other message types). */
export function tcObjectFrom(d: DecodedMessage, names?: NameOf): TcObject | Action[] | undefined {
  switch (d.type) {
    case RTM_NEWQDISC: case RTM_DELQDISC: return qdiscFrom(d, names);
    case RTM_NEWTCLASS: case RTM_DELTCLASS: return classFrom(d, names);
    case RTM_NEWTFILTER: case RTM_DELTFILTER: return filterFrom(d, names);
    case RTM_NEWACTION: case RTM_DELACTION: return actionsFrom(d.attrs.tab, d.type === RTM_DELACTION ? 'del' : 'new');
    default: return undefined;
  }
}
