// Traffic control over an rtnetlink socket (in this or another network namespace): qdiscs,
// classes, filters and shared actions, added / replaced / changed / deleted / listed through
// the declared family. Input is checked whole before any request (devices are resolved with a
// read-only lookup first, then the request is built); bulk filter adds go many per sendmsg()
// with one ACK per chunk (NetlinkSocket.bulk); dumps decode with the family's tables.
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { NetlinkDecodeError, NetlinkError, ValidationError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkSocket, type NamespaceTarget } from '../netlink/socket.js';
import { NETNS_RUN_DIR } from '../netlink/namespace.js';
import { MessageWriter } from '../netlink/writer.js';
import { actionDevices, type ActionInput } from './actions.js';
import { RTM_GETACTION, RTM_NEWACTION, RTM_NEWQDISC, RTM_NEWTCLASS, RTM_NEWTFILTER, RTNLGRP_TC, tc } from './family.js';
import { formatClassId, parseClassId, parseFilterParent, type HandleInput } from './handle.js';
import { linkFactsOf, linkNames, type LinkFacts } from './links.js';
import { actionsFrom, classFrom, filterFrom, qdiscFrom, tcObjectFrom, type Action, type Filter, type Qdisc, type TcClass, type TcObject } from './objects.js';
import { parseSize } from './units.js';
import {
  encodeActionDump, encodeActions, encodeClass, encodeClassDump, encodeDelAction, encodeDelClass, encodeDelFilter, encodeDelQdisc,
  encodeFilter, encodeFilterDump, encodeQdisc, encodeQdiscDump, writeFilter,
  type ClassRequest, type FilterRequest, type FilterSelector, type Mode, type QdiscRequest,
} from './requests.js';

export interface TcOptions {
  /** An `ip netns` name, a path such as /proc/PID/ns/net, or an open fd. */
  netns?: NamespaceTarget;
  /** Use this rtnetlink socket (not closed by close()). */
  socket?: NetlinkSocket;
}

export interface ListOptions {
  dev?: string | number;
  /** Only objects under this parent ("1:", "root", "ingress"...). */
  parent?: HandleInput;
  /** Resolve ifindexes to names (default true). */
  names?: boolean;
}

export interface FilterListOptions { dev: string | number; parent?: HandleInput; protocol?: string | number; prio?: number; chain?: number; names?: boolean }

export interface BulkFilterFailure { index: number; spec: FilterRequest; error: Error }

export type TcEvent = (TcObject | Action) & { nsid?: number };

const HEADER = 20; // struct tcmsg
const TCMSG_IFINDEX = 16 + 4; // tcm_ifindex in a request: after nlmsghdr, family and padding
const TCAMSG = 4;

function namespacePath(netns: NamespaceTarget | undefined): NamespaceTarget | undefined {
  return typeof netns === 'string' && !netns.includes('/') ? `${NETNS_RUN_DIR}/${netns}` : netns;
}

const reqOpts = (operation: string, op: string, hdr = HEADER) => ({
  operation, headerSize: hdr, describeAttribute: (path: number[]) => tc.describeAttribute(op, path),
});

function where(parent: HandleInput | undefined): string {
  return parent === undefined ? 'root' : typeof parent === 'number' ? formatClassId(parent) : parent;
}

export class TrafficControl {
  readonly socket: NetlinkSocket;
  private readonly owned: boolean;
  private readonly netns: NamespaceTarget | undefined;

  constructor(opts: TcOptions = {}) {
    this.owned = !opts.socket;
    this.netns = namespacePath(opts.netns);
    this.socket = opts.socket ?? new NetlinkSocket({ protocol: NETLINK_ROUTE, name: 'tc', netns: this.netns });
  }

  close(): void {
    if (this.owned) this.socket.close();
  }

  /** A device's ifindex and MTU; a missing one is a NetlinkError ENODEV naming the step. */
  async device(dev: string | number, operation: string): Promise<LinkFacts> {
    if (typeof dev === 'number') {
      if (!Number.isInteger(dev) || dev <= 0) throw new ValidationError('dev', `${dev} is not an ifindex`);
    } else if (!dev || dev.length > 15 || /[\s/]/.test(dev)) throw new ValidationError('dev', `${JSON.stringify(dev)} is not a device name`);
    return linkFactsOf(this.socket, dev, `${operation}: dev ${dev}`);
  }

  /** Devices of a request, each looked up once; the resolver throws for one that failed. */
  private async resolver(devs: readonly (string | number)[], operation: string): Promise<(d: string | number) => number> {
    const map = new Map<string | number, number>();
    for (const d of new Set(devs)) map.set(d, (await this.device(d, operation)).index);
    return (d) => {
      const v = map.get(d);
      if (v === undefined) throw new ValidationError('dev', `${String(d)} was not resolved`);
      return v;
    };
  }

  /**
   * A parent that names a qdisc or class must exist on the device: checked with a read-only
   * dump first, so a typo is a ValidationError naming the parent, not a kernel refusal halfway.
   */
  private async checkParent(ifindex: number, parent: number, field: string, dev: string | number): Promise<void> {
    if (parent === 0xffffffff || parent === 0 || parent >>> 16 === 0xffff) return;
    const major = parent >>> 16;
    for await (const batch of this.socket.dumpBatches(encodeQdiscDump(ifindex), { operation: `check parent ${formatClassId(parent)} dev ${dev}` })) {
      for (const m of batch) {
        if (m.type !== RTM_NEWQDISC) continue;
        const h = tc.decode(m).header as Record<string, number>;
        if (h.ifindex === ifindex && h.handle >>> 16 === major) return;
      }
    }
    throw new ValidationError(field, `${formatClassId(parent)}: no qdisc ${major.toString(16)}: on ${String(dev)} (add it first)`);
  }

  // ------------------------------------------------------------------------------------------
  // Qdiscs

  /** tc qdisc add / replace / change. */
  async qdisc(mode: Mode, q: QdiscRequest): Promise<void> {
    const op = `${mode} qdisc ${q.kind} dev ${q.dev} ${q.kind === 'ingress' || q.kind === 'clsact' ? q.kind : where(q.parent)}`;
    encodeQdisc(mode, q, 1); // every field checked before anything is sent
    const link = await this.device(q.dev, op);
    if (q.parent !== undefined && q.kind !== 'ingress' && q.kind !== 'clsact') await this.checkParent(link.index, parseClassId(q.parent), 'parent', q.dev);
    if (q.kind === 'tbf') {
      const burst = parseSize(q.burst, 'burst');
      if (burst < link.mtu) throw new ValidationError('burst', `a burst of ${burst} bytes is smaller than the MTU of ${String(q.dev)} (${link.mtu}): full-size packets could never leave`);
    }
    await this.socket.request(encodeQdisc(mode, q, link.index), reqOpts(op, 'newqdisc'));
  }

  addQdisc(q: QdiscRequest): Promise<void> { return this.qdisc('add', q); }
  replaceQdisc(q: QdiscRequest): Promise<void> { return this.qdisc('replace', q); }
  changeQdisc(q: QdiscRequest): Promise<void> { return this.qdisc('change', q); }

  /** tc qdisc del dev D root | parent P | handle H | ingress | clsact. */
  async deleteQdisc(q: { dev: string | number; parent?: HandleInput; handle?: HandleInput; kind?: string }): Promise<void> {
    const op = `delete qdisc${q.kind ? ` ${q.kind}` : ''} dev ${q.dev} ${q.kind === 'ingress' || q.kind === 'clsact' ? q.kind : where(q.parent)}`;
    encodeDelQdisc(q, 1);
    const link = await this.device(q.dev, op);
    await this.socket.request(encodeDelQdisc(q, link.index), reqOpts(op, 'delqdisc'));
  }

  /** tc qdisc show [dev D] [parent P]. */
  async *qdiscs(opts: ListOptions = {}): AsyncGenerator<Qdisc, void, undefined> {
    const parent = opts.parent === undefined ? undefined : parseClassId(opts.parent, 'parent');
    const ifindex = opts.dev === undefined ? 0 : (await this.device(opts.dev, 'list qdiscs')).index;
    const names = opts.names === false ? undefined : await linkNames(this.socket);
    for await (const batch of this.socket.dumpBatches(encodeQdiscDump(ifindex), { operation: 'list qdiscs' })) {
      for (const m of batch) {
        if (m.type !== RTM_NEWQDISC) continue;
        const q = qdiscFrom(tc.decode(m), (i) => names?.get(i));
        // The kernel dumps every device's qdiscs; tc filters them the same way.
        if (ifindex && q.ifindex !== ifindex) continue;
        if (parent !== undefined && q.parent !== parent) continue;
        yield q;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Classes

  async tclass(mode: Mode, c: ClassRequest): Promise<void> {
    const op = `${mode} class ${c.kind} dev ${c.dev} classid ${where(c.classid)}`;
    encodeClass(mode, c, 1);
    const link = await this.device(c.dev, op);
    await this.checkParent(link.index, parseClassId(c.parent), 'parent', c.dev);
    await this.socket.request(encodeClass(mode, c, link.index), reqOpts(op, 'newtclass'));
  }

  addClass(c: ClassRequest): Promise<void> { return this.tclass('add', c); }
  replaceClass(c: ClassRequest): Promise<void> { return this.tclass('replace', c); }
  changeClass(c: ClassRequest): Promise<void> { return this.tclass('change', c); }

  async deleteClass(c: { dev: string | number; classid: HandleInput; parent?: HandleInput }): Promise<void> {
    const op = `delete class dev ${c.dev} classid ${where(c.classid)}`;
    encodeDelClass(c, 1);
    const link = await this.device(c.dev, op);
    await this.socket.request(encodeDelClass(c, link.index), reqOpts(op, 'deltclass'));
  }

  /** tc class show dev D [parent P]. */
  async *classes(opts: ListOptions & { dev: string | number }): AsyncGenerator<TcClass, void, undefined> {
    const parent = opts.parent === undefined ? 0 : parseClassId(opts.parent, 'parent');
    const link = await this.device(opts.dev, 'list classes');
    const names = opts.names === false ? undefined : await linkNames(this.socket);
    for await (const batch of this.socket.dumpBatches(encodeClassDump(link.index, parent), { operation: `list classes dev ${opts.dev}` })) {
      for (const m of batch) {
        if (m.type !== RTM_NEWTCLASS) continue;
        const c = classFrom(tc.decode(m), (i) => names?.get(i));
        if (parent && c.parent !== parent) continue;
        yield c;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Filters

  async filter(mode: Mode, f: FilterRequest): Promise<void> {
    const op = `${mode} filter ${f.kind} dev ${f.dev} parent ${where(f.parent)}${f.prio ? ` prio ${f.prio}` : ''}`;
    const devs = [f.dev, ...actionDevices(f.actions)];
    encodeFilter(mode, f, 1, () => 1);
    const resolve = await this.resolver(devs, op);
    await this.checkParent(resolve(f.dev), parseFilterParent(f.parent), 'parent', f.dev);
    await this.socket.request(encodeFilter(mode, f, resolve(f.dev), resolve), reqOpts(op, 'newtfilter'));
  }

  addFilter(f: FilterRequest): Promise<void> { return this.filter('add', f); }
  replaceFilter(f: FilterRequest): Promise<void> { return this.filter('replace', f); }
  changeFilter(f: FilterRequest): Promise<void> { return this.filter('change', f); }

  /**
   * Add many filters at once: checked whole first (nothing is sent if any is malformed), then
   * written into few large datagrams, the kernel answering only failures plus one ACK per chunk.
   * Resolves with the failures (a duplicate handle, a missing parent...); the others went in.
   */
  async addFilters(list: readonly FilterRequest[], opts: { mode?: Mode; signal?: AbortSignal } = {}): Promise<BulkFilterFailure[]> {
    const mode = opts.mode ?? 'add';
    // Every filter is encoded once here, before anything is sent, to refuse bad input by field.
    // The bytes are kept: a filter that names no other device than its own differs from its
    // final request only in tcmsg's ifindex, patched in once the names are resolved; one
    // whose actions name devices is written again with their indexes.
    const scratch = new MessageWriter(Math.min(1 << 22, 64 + list.length * 160));
    const starts = new Int32Array(list.length);
    const ends = new Int32Array(list.length);
    const devs = new Set<string | number>();
    list.forEach((f, i) => {
      const start = scratch.pos;
      let named = false;
      try {
        writeFilter(scratch, mode, f, 1, () => { named = true; return 1; });
      } catch (err) {
        if (err instanceof ValidationError) throw new ValidationError(`filters[${i}].${err.field}`, err.problem);
        throw err;
      }
      if (named) { scratch.pos = start; starts[i] = -1; } else { starts[i] = start; ends[i] = scratch.pos; }
      devs.add(f.dev);
      for (const d of actionDevices(f.actions)) devs.add(d);
    });
    const resolve = await this.resolver([...devs], `${mode} filters`);
    const kept = scratch.bytes();
    const view = new DataView(kept.buffer, kept.byteOffset, kept.byteLength);
    const failures = await this.socket.bulk(list.length, (i, w) => {
      const f = list[i]!;
      if (starts[i]! < 0) { writeFilter(w, mode, f, resolve(f.dev), resolve); return; }
      view.setInt32(starts[i]! + TCMSG_IFINDEX, resolve(f.dev), true);
      w.raw(kept.subarray(starts[i]!, ends[i]!));
    }, {
      describe: (i) => `${mode} filter ${list[i]?.kind} dev ${list[i]?.dev} parent ${where(list[i]?.parent)} (#${i})`,
      headerSize: HEADER, describeAttribute: (p) => tc.describeAttribute('newtfilter', p), signal: opts.signal,
    });
    return failures.map((x) => ({ index: x.index, spec: list[x.index]!, error: x.error }));
  }

  /** tc filter del dev D parent P [protocol X prio N [handle H kind K]]: without prio, all of the parent's. */
  async deleteFilter(f: FilterSelector): Promise<void> {
    const op = `delete filter dev ${f.dev} parent ${where(f.parent)}${f.prio ? ` prio ${f.prio}` : ''}`;
    encodeDelFilter(f, 1);
    const link = await this.device(f.dev, op);
    await this.socket.request(encodeDelFilter(f, link.index), reqOpts(op, 'deltfilter'));
  }

  /** tc filter show dev D [parent P] [protocol X] [prio N] [chain C]: a plain dump decoded by the tables. */
  async *filters(opts: FilterListOptions): AsyncGenerator<Filter, void, undefined> {
    const parent = opts.parent === undefined ? 0 : parseFilterParent(opts.parent, 'parent');
    const link = await this.device(opts.dev, 'list filters');
    const names = opts.names === false ? undefined : await linkNames(this.socket);
    const req = encodeFilterDump(link.index, parent, opts);
    for await (const batch of this.socket.dumpBatches(req, { operation: `list filters dev ${opts.dev} parent ${where(opts.parent)}` })) {
      for (const m of batch) if (m.type === RTM_NEWTFILTER) yield filterFrom(tc.decode(m), (i) => names?.get(i));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Shared actions (tc actions add / delete / list)

  async addActions(list: readonly ActionInput[], mode: Mode = 'add'): Promise<void> {
    const op = `${mode} actions ${list.map((a) => a.kind).join(' ')}`;
    encodeActions(mode, list, () => 1);
    const resolve = await this.resolver(actionDevices(list), op);
    await this.socket.request(encodeActions(mode, list, resolve), reqOpts(op, 'newaction', TCAMSG));
  }

  async deleteAction(kind: string, index: number): Promise<void> {
    const op = `delete action ${kind} index ${index}`;
    await this.socket.request(encodeDelAction(kind, index), reqOpts(op, 'delaction', TCAMSG));
  }

  /** tc actions list action KIND. */
  async *actions(kind: string): AsyncGenerator<Action, void, undefined> {
    for await (const batch of this.socket.dumpBatches(encodeActionDump(kind), { operation: `list actions ${kind}` })) {
      // The kernel answers a dump with the request's own type (tc_dump_action).
      for (const m of batch) if (m.type === RTM_NEWACTION || m.type === RTM_GETACTION) yield* actionsFrom(tc.decode(m).attrs.tab);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Events (tc monitor)

  /** Changes of qdiscs, classes, filters and actions as they happen (RTNLGRP_TC). */
  async *events(opts: { signal?: AbortSignal } = {}): AsyncGenerator<TcEvent, void, undefined> {
    const sock = new NetlinkSocket({ protocol: NETLINK_ROUTE, name: 'tc-monitor', netns: this.netns });
    yield* eventsOn(sock, opts.signal, true);
  }
}

/** Events of an rtnetlink socket joined to RTNLGRP_TC (the monitor and the CLI use it). */
export async function* eventsOn(sock: NetlinkSocket, signal?: AbortSignal, close = false): AsyncGenerator<TcEvent, void, undefined> {
  const queue: TcEvent[] = [];
  let wake: (() => void) | undefined;
  // Without names (the dump refused) events still flow, with ifindexes; other errors are bugs.
  const noNames = <T>(fallback: T) => (err: unknown): T => { if (err instanceof NetlinkError) return fallback; throw err; };
  let names = await linkNames(sock).catch(noNames(new Map<number, string>()));
  sock.onNotification = (m: MessageRef, nsid?: number) => {
    let obj: TcObject | Action[] | undefined;
    try {
      obj = tcObjectFrom(tc.decode(m), (i) => names.get(i));
    } catch (err) {
      // A notification the declaration cannot read is skipped; anything else is a bug.
      if (err instanceof NetlinkDecodeError) return;
      throw err;
    }
    if (!obj) return;
    for (const o of Array.isArray(obj) ? obj : [obj]) queue.push(nsid === undefined ? o : { ...o, nsid });
    wake?.();
  };
  sock.joinGroup(RTNLGRP_TC);
  sock.keepAlive(true);
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      if (!queue.length) await new Promise<void>((r) => { wake = r; });
      wake = undefined;
      while (queue.length) {
        const e = queue.shift()!;
        if ('ifindex' in e && e.ifindex && e.dev === undefined) {
          names = await linkNames(sock).catch(noNames(names));
          const dev = names.get(e.ifindex);
          if (dev !== undefined) e.dev = dev;
        }
        yield e;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    sock.keepAlive(false);
    sock.onNotification = undefined;
    if (close) sock.close();
  }
}

export { NetlinkError };
