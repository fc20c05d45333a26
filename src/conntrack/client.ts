// Conntrack: a NETLINK_NETFILTER socket (in this or another network namespace) speaking
// ctnetlink through the declared family (family.ts). Listing streams the table with the
// kernel's own filters where it has them (CTA_FILTER on the original tuple, mark/mask, zone,
// status/mask) and applies the rest while streaming; deletions report how many went.
import { NETLINK_NETFILTER, NLM_F_CREATE, NLM_F_EXCL } from '../netlink/constants.js';
import { NETNS_RUN_DIR } from '../netlink/namespace.js';
import { NetlinkError, ValidationError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkSocket } from '../netlink/socket.js';
import type { NamespaceTarget } from '../netlink/socket.js';
import { AF_INET, AF_INET6, entryFrom, expectationFrom, type ConntrackEntry, type ConntrackExpectation, type Tuple } from './entry.js';
import { conntrack, FILTER_FLAG, IPCTNL_MSG_CT_NEW, IPCTNL_MSG_CT_GET_STATS_CPU } from './family.js';
import type { CpuStats } from './format.js';
import { check } from './lazy-schemas.js';
import { natOf } from './nat.js';
import { DeleteRequests } from './delete-requests.js';
import { eventStream, type ConntrackEvent, type EventOptions } from './events.js';

export interface ConntrackOptions {
  /** An `ip netns` name, a path such as /proc/PID/ns/net, or an open fd. */
  netns?: NamespaceTarget;
}

export interface TupleInput {
  src: string;
  dst: string;
  proto: number | string;
  sport?: number;
  dport?: number;
  icmp?: { type: number; code: number; id: number };
  zone?: number;
}

export interface ConntrackFilter {
  family?: 'ipv4' | 'ipv6';
  proto?: number | string;
  /** Original direction (as `conntrack -L -s/-d/--sport/--dport`). */
  src?: string; dst?: string; sport?: number; dport?: number;
  orig?: { src?: string; dst?: string; sport?: number; dport?: number };
  reply?: { src?: string; dst?: string; sport?: number; dport?: number };
  mark?: number | { value: number; mask: number };
  zone?: number;
  /** Status flag names that must all be set ('assured', 'seen-reply', 'src-nat'...). */
  status?: string[];
  /** Only translated connections: source NAT (masquerade), destination NAT, or either. */
  nat?: 'snat' | 'dnat' | 'any';
}

export interface CreateInput {
  orig: TupleInput;
  /** Default: the original tuple reversed (no NAT). */
  reply?: TupleInput;
  timeout: number;
  mark?: number;
  zone?: number;
  status?: ('seen-reply' | 'assured')[];
  /** TCP only: the state the entry starts in (default established). */
  tcpState?: string;
  labels?: number[];
}

export interface UpdateInput { mark?: number; timeout?: number; labels?: number[] }

type ValidTuple = Omit<TupleInput, 'proto'> & { proto: number };
type ValidFilter = Omit<ConntrackFilter, 'proto'> & { proto?: number };

const isV6 = (a: string): boolean => a.includes(':');

function namespacePath(netns: NamespaceTarget | undefined): NamespaceTarget | undefined {
  return typeof netns === 'string' && !netns.includes('/') ? `${NETNS_RUN_DIR}/${netns}` : netns;
}

/** A tuple as the table's attributes (tuple-ip, tuple-proto, tuple-zone). */
function tupleAttrs(t: Partial<ValidTuple>, v6: boolean): Record<string, unknown> {
  const ip: Record<string, unknown> = {};
  if (t.src !== undefined) ip[v6 ? 'ip-v6-src' : 'ip-v4-src'] = t.src;
  if (t.dst !== undefined) ip[v6 ? 'ip-v6-dst' : 'ip-v4-dst'] = t.dst;
  const p: Record<string, unknown> = {};
  if (t.proto !== undefined) p['proto-num'] = t.proto;
  if (t.sport !== undefined) p['proto-src-port'] = t.sport;
  if (t.dport !== undefined) p['proto-dst-port'] = t.dport;
  if (t.icmp) {
    const k = t.proto === 58 ? 'icmpv6' : 'icmp';
    p[`proto-${k}-type`] = t.icmp.type;
    p[`proto-${k}-code`] = t.icmp.code;
    p[`proto-${k}-id`] = t.icmp.id;
  }
  const out: Record<string, unknown> = { 'tuple-ip': ip, 'tuple-proto': p };
  if (t.zone !== undefined) out['tuple-zone'] = t.zone;
  return out;
}

function reversed(t: ValidTuple): ValidTuple {
  const r: ValidTuple = { src: t.dst, dst: t.src, proto: t.proto };
  if (t.sport !== undefined) r.dport = t.sport;
  if (t.dport !== undefined) r.sport = t.dport;
  // An echo request's reply is the echo reply (type 8 -> 0, ICMPv6 128 -> 129).
  if (t.icmp) r.icmp = { ...t.icmp, type: t.icmp.type === 8 ? 0 : t.icmp.type === 128 ? 129 : t.icmp.type };
  return r;
}

function labelBytes(bits: readonly number[]): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  for (const n of bits) dv.setUint32((n >> 5) * 4, dv.getUint32((n >> 5) * 4, true) | (1 << (n & 31)), true);
  return b;
}

const sameTupleField = (want: unknown, got: unknown): boolean => want === undefined || want === got;

function matchesTuple(f: ConntrackFilter['orig'], t: Tuple): boolean {
  return !f || (sameTupleField(f.src, t.src) && sameTupleField(f.dst, t.dst) && sameTupleField(f.sport, t.sport) && sameTupleField(f.dport, t.dport));
}

/** What the kernel cannot filter, checked on each streamed entry. */
function matches(f: ValidFilter, e: ConntrackEntry): boolean {
  if (f.family && e.family !== f.family) return false;
  if (f.proto !== undefined && e.proto !== f.proto) return false;
  if (!matchesTuple({ src: f.src, dst: f.dst, sport: f.sport, dport: f.dport }, e.orig) || !matchesTuple(f.orig, e.orig) || !matchesTuple(f.reply, e.reply)) return false;
  if (f.zone !== undefined && (e.zone ?? 0) !== f.zone) return false;
  if (f.mark !== undefined) {
    const { value, mask } = typeof f.mark === 'number' ? { value: f.mark, mask: 0xffffffff } : f.mark;
    if ((((e.mark ?? 0) & mask) >>> 0) !== ((value & mask) >>> 0)) return false;
  }
  if (f.status && !f.status.every((s) => e.status.includes(s))) return false;
  if (f.nat) {
    const n = natOf(e);
    if (!n || (f.nat === 'snat' && n.kind === 'dnat') || (f.nat === 'dnat' && n.kind === 'snat')) return false;
  }
  return true;
}

type ValidCreate = Omit<CreateInput, 'orig' | 'reply'> & { orig: ValidTuple; reply?: ValidTuple };

function headerFor(t: ValidTuple): Record<string, unknown> {
  return { 'nfgen-family': isV6(t.src) ? AF_INET6 : AF_INET, version: 0 };
}

function encodeCreate(c: ValidCreate): Uint8Array {
  const v6 = isV6(c.orig.src);
  const attrs: Record<string, unknown> = {
    'tuple-orig': tupleAttrs(c.orig, v6),
    'tuple-reply': tupleAttrs(c.reply ?? reversed(c.orig), v6),
    timeout: c.timeout,
  };
  // Only when asked: the kernel refuses a status that differs in bits it owns (EBUSY).
  if (c.status?.length) attrs.status = c.status;
  if (c.mark !== undefined) attrs.mark = c.mark;
  if (c.zone !== undefined) attrs.zone = c.zone;
  if (c.orig.proto === 6) attrs.protoinfo = { 'protoinfo-tcp': { 'tcp-state': c.tcpState ?? 'established' } };
  if (c.labels) attrs.labels = labelBytes(c.labels);
  return conntrack.encode({ op: 'new', header: headerFor(c.orig), attrs, flags: NLM_F_CREATE | NLM_F_EXCL });
}

function encodeDelete(t: ValidTuple, id: number | undefined): Uint8Array {
  const attrs: Record<string, unknown> = { 'tuple-orig': tupleAttrs(t, isV6(t.src)) };
  if (t.zone !== undefined) attrs.zone = t.zone;
  // With the id, a new connection that reused the tuple meanwhile is not the one deleted.
  if (id !== undefined) attrs.id = id;
  return conntrack.encode({ op: 'delete', header: headerFor(t), attrs });
}

export class Conntrack {
  readonly socket: NetlinkSocket;
  /** Where the sockets are opened (events get one of their own). */
  readonly netns: NamespaceTarget | undefined;

  constructor(opts: ConntrackOptions = {}) {
    this.netns = namespacePath(opts.netns);
    this.socket = new NetlinkSocket({ protocol: NETLINK_NETFILTER, netns: this.netns, name: 'conntrack' });
  }

  /**
   * Every entry (as `conntrack -L`), or those the filter selects, as an async iterable. The
   * original-tuple fields, mark and zone are filtered by the kernel (CTA_FILTER, 5.8+), the
   * rest (reply tuple, status, nat) while streaming.
   */
  async *list(filter: ConntrackFilter = {}): AsyncGenerator<ConntrackEntry, void, undefined> {
    for await (const batch of this.listBatches(filter)) yield* batch;
  }

  /**
   * The same entries as list(), a batch per datagram the kernel sent (tens of entries each):
   * for consumers of a 100,000-entry table that want one await per batch, not per entry.
   */
  async *listBatches(filter: ConntrackFilter = {}): AsyncGenerator<ConntrackEntry[], void, undefined> {
    const { f, req } = await this.dumpRequest(filter);
    const filtered = Object.keys(f).length > 0;
    for await (const ms of this.socket.dumpBatches(req, { operation: 'list conntrack entries', headerSize: 4 })) {
      const batch: ConntrackEntry[] = [];
      for (const m of ms) {
        const e = entryFrom(conntrack.decode(m));
        if (!filtered || matches(f, e)) batch.push(e);
      }
      if (batch.length) yield batch;
    }
  }

  /** The validated filter and the dump request carrying what the kernel can filter itself. */
  private async dumpRequest(filter: ConntrackFilter): Promise<{ f: ValidFilter; req: Uint8Array }> {
    const f = Object.keys(filter).length ? ((await check((s) => s.filterInput, filter, 'filter')) as ValidFilter) : {};
    const addrs = [f.src, f.dst, f.orig?.src, f.orig?.dst, f.reply?.src, f.reply?.dst].filter((a): a is string => a !== undefined);
    const family = f.family ?? (addrs.length ? (isV6(addrs[0]!) ? 'ipv6' : 'ipv4') : undefined);
    const attrs: Record<string, unknown> = {};
    const orig = { src: f.orig?.src ?? f.src, dst: f.orig?.dst ?? f.dst, sport: f.orig?.sport ?? f.sport, dport: f.orig?.dport ?? f.dport };
    // CTA_FILTER needs a layer-3 family and the protocol the ports belong to.
    if (family && f.proto !== undefined) {
      let flags = FILTER_FLAG.protoNum;
      if (orig.src !== undefined) flags |= FILTER_FLAG.ipSrc;
      if (orig.dst !== undefined) flags |= FILTER_FLAG.ipDst;
      if (orig.sport !== undefined) flags |= FILTER_FLAG.protoSrcPort;
      if (orig.dport !== undefined) flags |= FILTER_FLAG.protoDstPort;
      attrs['tuple-orig'] = tupleAttrs({ ...orig, proto: f.proto }, family === 'ipv6');
      attrs.filter = { 'orig-flags': flags };
    }
    if (f.mark !== undefined) {
      const { value, mask } = typeof f.mark === 'number' ? { value: f.mark, mask: 0xffffffff } : f.mark;
      attrs.mark = value;
      attrs['mark-mask'] = mask;
    }
    if (f.zone !== undefined) attrs.zone = f.zone;
    const req = conntrack.encode({ op: 'get', mode: 'dump', header: { 'nfgen-family': family === 'ipv6' ? AF_INET6 : family === 'ipv4' ? AF_INET : 0, version: 0 }, attrs });
    return { f, req };
  }

  /** The entry whose original (or reply) tuple this is; a NetlinkError ENOENT when none. */
  async get(tuple: TupleInput): Promise<ConntrackEntry> {
    const t = (await check((s) => s.tupleInput, tuple, 'tuple')) as ValidTuple;
    const req = conntrack.encode({ op: 'get', header: headerFor(t), attrs: { 'tuple-orig': tupleAttrs(t, isV6(t.src)), ...(t.zone !== undefined ? { zone: t.zone } : {}) } });
    const replies = await this.socket.request(req, { operation: `get conntrack entry ${describe(t)}`, headerSize: 4 });
    const m = replies.find((r) => r.type === IPCTNL_MSG_CT_NEW);
    if (!m) throw new NetlinkError({ errno: 2, operation: `get conntrack entry ${describe(t)}` });
    return entryFrom(conntrack.decode(m));
  }

  /** `conntrack -I`: a new entry; EEXIST when one with the tuple is there. */
  async create(input: CreateInput): Promise<void> {
    const c = (await check((s) => s.createInput, input, 'entry')) as ValidCreate;
    await this.socket.request(encodeCreate(c), { operation: `create conntrack entry ${describe(c.orig)}`, headerSize: 4 });
  }

  /**
   * Many `conntrack -I` at once (a test bed, a state restore): every entry is checked before
   * anything is sent, then they go many per sendmsg() with the kernel answering only failures.
   * Resolves with the failures in input order (empty when every entry was created).
   */
  async createMany(inputs: readonly CreateInput[], opts: { signal?: AbortSignal } = {}): Promise<{ index: number; entry: CreateInput; error: Error }[]> {
    if (!Array.isArray(inputs)) throw new ValidationError('entries', 'expected an array of entries');
    const valid: ValidCreate[] = [];
    for (let i = 0; i < inputs.length; i++) valid.push((await check((s) => s.createInput, inputs[i], `entries[${i}]`)) as ValidCreate);
    const failures = await this.socket.bulk(valid.length, (i, w) => { w.raw(encodeCreate(valid[i]!)); }, {
      describe: (i) => (valid[i] ? `create conntrack entry ${describe(valid[i]!.orig)}` : 'create conntrack entries'),
      headerSize: 4,
      signal: opts.signal,
    });
    return failures.map((f) => ({ index: f.index, entry: inputs[f.index]!, error: f.error }));
  }

  /** `conntrack -U`: change mark, timeout or labels of the entry with this tuple. */
  async update(tuple: TupleInput, changes: UpdateInput): Promise<void> {
    const t = (await check((s) => s.tupleInput, tuple, 'tuple')) as ValidTuple;
    const u = await check((s) => s.updateInput, changes, 'changes');
    const attrs: Record<string, unknown> = { 'tuple-orig': tupleAttrs(t, isV6(t.src)) };
    if (t.zone !== undefined) attrs.zone = t.zone;
    if (u.mark !== undefined) attrs.mark = u.mark;
    if (u.timeout !== undefined) attrs.timeout = u.timeout;
    if (u.labels) { attrs.labels = labelBytes(u.labels); attrs['labels-mask'] = labelBytes([...Array(128).keys()]); }
    const req = conntrack.encode({ op: 'new', header: headerFor(t), attrs });
    await this.socket.request(req, { operation: `update conntrack entry ${describe(t)}`, headerSize: 4 });
  }

  /**
   * `conntrack -D`: the entry with this tuple, or every entry the filter selects. Resolves to
   * how many were deleted (entries that went away on their own meanwhile are not counted).
   */
  async delete(what: TupleInput | ConntrackFilter): Promise<number> {
    if (what === null || typeof what !== 'object' || Array.isArray(what)) throw new ValidationError('what', 'expected a tuple ({ src, dst, proto, ... }) or a filter object');
    if ('src' in what && 'dst' in what && 'proto' in what && (what as TupleInput).src !== undefined) {
      const t = (await check((s) => s.tupleInput, what, 'tuple')) as ValidTuple;
      await this.deleteOne(t, undefined);
      return 1;
    }
    // As `conntrack -D` does: one delete per entry, many per sendmsg() and the kernel answering
    // only failures. The requests are written while the dump streams, from each entry's own
    // bytes (its original tuple, zone and id copied as the kernel sent them): nothing is
    // decoded unless the filter needs a field the kernel cannot filter on, and a table of
    // 100,000 entries costs ~10 MB of requests instead of 100,000 decoded objects.
    const { f, req } = await this.dumpRequest(what as ConntrackFilter);
    const filtered = Object.keys(f).length > 0;
    const victims = new DeleteRequests();
    for await (const ms of this.socket.dumpBatches(req, { operation: 'list conntrack entries to delete', headerSize: 4 })) {
      for (const m of ms) {
        if (filtered && !matches(f, entryFrom(conntrack.decode(m)))) continue;
        victims.add(m);
      }
    }
    const failures = await this.socket.bulk(victims.count, (i, w) => { w.raw(victims.request(i)); }, {
      describe: (i) => (i < victims.count ? `delete conntrack entry ${victims.describe(i)}` : 'delete conntrack entries'),
      headerSize: 4,
    });
    // ENOENT is an entry that timed out (or was deleted) meanwhile.
    const gone = failures.filter((x) => x.error instanceof NetlinkError && x.error.code === 'ENOENT').length;
    const other = failures.find((x) => !(x.error instanceof NetlinkError && x.error.code === 'ENOENT'));
    if (other) throw other.error;
    return victims.count - gone;
  }

  private async deleteOne(t: ValidTuple, id: number | undefined): Promise<void> {
    await this.socket.request(encodeDelete(t, id), { operation: `delete conntrack entry ${describe(t)}`, headerSize: 4 });
  }

  /** `conntrack -F`: every entry (of one family; of one zone by listing). Resolves to the count before. */
  async flush(opts: { family?: 'ipv4' | 'ipv6'; zone?: number } = {}): Promise<number> {
    if (opts.zone !== undefined) return this.delete({ family: opts.family, zone: opts.zone });
    let before = 0;
    for await (const e of this.list(opts.family ? { family: opts.family } : {})) { void e; before++; }
    const fam = opts.family === 'ipv6' ? AF_INET6 : opts.family === 'ipv4' ? AF_INET : 0;
    const req = conntrack.encode({ op: 'delete', header: { 'nfgen-family': fam, version: 0 } });
    await this.socket.request(req, { operation: 'flush the conntrack table', headerSize: 4 });
    return before;
  }

  /** `conntrack -C`: how many entries the table holds. */
  async count(): Promise<number> {
    const req = conntrack.encode({ op: 'get-stats-global', header: { 'nfgen-family': 0, version: 0 } });
    const replies = await this.socket.request(req, { operation: 'count conntrack entries', headerSize: 4 });
    const m = replies.find((r) => r.type !== 2 && r.type !== 3);
    if (!m) throw new NetlinkError({ errno: 61, operation: 'count conntrack entries' });
    return (conntrack.decode(m).attrs as { entries?: number }).entries ?? 0;
  }

  /** `conntrack -S`: the per-CPU counters. */
  async stats(): Promise<CpuStats[]> {
    const req = conntrack.encode({ op: 'get-stats', mode: 'dump', header: { 'nfgen-family': 0, version: 0 } });
    const out: CpuStats[] = [];
    for await (const m of this.socket.dump(req, { operation: 'read conntrack statistics', headerSize: 4 })) {
      if (m.type !== IPCTNL_MSG_CT_GET_STATS_CPU) continue;
      const d = conntrack.decode(m);
      const a = d.attrs as Record<string, number | undefined>;
      out.push({
        cpu: (d.header?.['res-id'] as number | undefined) ?? out.length,
        found: a.found ?? 0, invalid: a.invalid ?? 0, insert: a.insert ?? 0, insertFailed: a['insert-failed'] ?? 0,
        drop: a.drop ?? 0, earlyDrop: a['early-drop'] ?? 0, error: a.error ?? 0, searchRestart: a['search-restart'] ?? 0,
        clashResolve: a['clash-resolve'] ?? 0, chainTooLong: a['chain-toolong'] ?? 0,
      });
    }
    return out;
  }

  /** `conntrack -L expect`. */
  async *expectations(): AsyncGenerator<ConntrackExpectation, void, undefined> {
    const req = conntrack.encode({ op: 'exp-get', mode: 'dump', header: { 'nfgen-family': 0, version: 0 } });
    for await (const m of this.socket.dump(req, { operation: 'list conntrack expectations', headerSize: 4 })) yield expectationFrom(conntrack.decode(m));
  }

  /** Connections as they come, change and go (`conntrack -E`), on their own socket. */
  events(opts: EventOptions = {}): AsyncGenerator<ConntrackEvent, void, undefined> {
    return eventStream(this, opts);
  }

  close(): void {
    this.socket.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function describe(t: ValidTuple): string {
  const port = (p: number | undefined) => (p === undefined ? '' : `:${p}`);
  return `${t.src}${port(t.sport)} -> ${t.dst}${port(t.dport)} proto ${t.proto}`;
}

