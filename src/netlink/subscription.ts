// Multicast subscriptions as async iterables: the generic core under the rtnetlink and
// nftables monitors. It knows nothing of links or tables: a family layer hands it the groups,
// a decoder (message -> typed event, with the object's identity and state) and the dumps that
// list current state. The core owns the socket, turns receive-queue overruns into events,
// lists state first when asked (subscribe, buffer, dump, replay without gap or duplicate), and
// re-lists after an overrun so a consumer can resynchronise. See docs/monitor.md.
import { NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from './constants.js';
import { DumpInterruptedError, OverrunError, ValidationError } from './errors.js';
import type { MessageRef } from './message.js';
import { loadNative } from './native.js';
import { NetlinkSocket } from './socket.js';
import type {
  ChangeEvent, OverrunEvent, SubscriptionEvent, Decoded, SubscriptionSource, SubscriptionOptions,
} from './subscription-types.js';

export type {
  ChangeType, ChangeEvent, OverrunEvent, SyncedEvent, SubscriptionEvent, Decoded, DumpFunction, SubscriptionSource, SubscriptionOptions,
} from './subscription-types.js';
export { messageState } from './message-state.js';

/** Marks "no such object" in state comparisons; no real state string starts with NUL-NUL. */
const ABSENT = '\0\0absent';

interface Waiter<E extends ChangeEvent> {
  resolve: (r: IteratorResult<SubscriptionEvent<E>, undefined>) => void;
  reject: (err: unknown) => void;
}

/**
 * A period during which changes are held back: while the source prepares (always first, when
 * it has a prepare step) and, for a listing round, while the dumps run.
 */
/** A notification held back, undecoded: decoding waits for what the listing teaches (names). */
interface Held {
  m: MessageRef;
  nsid: number | undefined;
}

interface SyncRound {
  /** 'prepare': only the source's prepare step; the held changes then go out unfiltered. */
  reason: 'initial' | 'resync' | 'prepare';
  /** Notifications received meanwhile, and (in a prepare round) overruns, in arrival order. */
  buffer: Array<Held | OverrunEvent>;
  /** Notifications were lost during this round: list again. */
  restart: boolean;
  /** Dumps repeated because the kernel flagged them NLM_F_DUMP_INTR. */
  retried: number;
  /** Aborts the current attempt's dumps (on close, or to restart after an overrun). */
  abort: AbortController;
}

/**
 * An open subscription: an async iterator of events. Created subscribed (the groups are
 * joined before the constructor returns), so changes made right after are not missed even
 * if iteration starts later. `break`, return(), close() or the abort signal close the socket.
 */
export class Subscription<E extends ChangeEvent> implements AsyncIterableIterator<SubscriptionEvent<E>>, AsyncDisposable, Disposable {
  /** The subscribed socket (the groups' notifications arrive here). */
  readonly socket: NetlinkSocket;
  /**
   * Where listings and the prepare step run. Opened with the subscription (while the
   * namespace surely exists), closed as soon as nothing can need it any more.
   */
  private dumpSocket: NetlinkSocket | undefined;
  private readonly source: SubscriptionSource<E>;
  private readonly resync: boolean;
  private readonly maxQueued: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort: (() => void) | undefined;

  private queue: SubscriptionEvent<E>[] = [];
  private head = 0;
  private readonly waiters: Waiter<E>[] = [];
  private error: unknown;
  private errorDelivered = false;
  private closedFlag = false;
  private sync: SyncRound | undefined;
  /** Keys of objects known to exist: "nsid|key" ("|key" for the own namespace). */
  private readonly known = new Set<string>();
  /** The barrier datagram a listing round waits for (see barrier()). */
  private marker: { seq: number; portId: number; reached: () => void } | undefined;
  private markerSeq = (Math.random() * 0x7fffffff) >>> 0;

  constructor(source: SubscriptionSource<E>, options: SubscriptionOptions = {}) {
    this.source = source;
    this.resync = options.resync ?? false;
    this.maxQueued = options.maxQueued ?? 65536;
    if (!(this.maxQueued >= 1)) throw new ValidationError('maxQueued', `must be at least 1, got ${options.maxQueued}`);
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    if ((options.listExisting || this.resync) && !source.dumps?.length) {
      throw new ValidationError(options.listExisting ? 'listExisting' : 'resync', `${source.name ?? 'this subscription'} has nothing to list`);
    }
    const netns = typeof options.netns === 'object' && options.netns !== null ? options.netns.fd : options.netns;
    const name = options.name ?? source.name ?? 'subscription';
    const strictChecking = source.strictChecking ?? source.protocol === NETLINK_ROUTE;
    const typeName = source.typeName;
    this.socket = new NetlinkSocket({
      protocol: source.protocol, netns, strictChecking, name, typeName,
      receiveBufferSize: options.receiveBufferSize,
      listenAllNsid: options.allNamespaces ?? false,
    });
    try {
      for (const g of source.groups) this.socket.joinGroup(g);
      // It joins no group, so it hears nothing but its own dumps.
      if (options.listExisting || this.resync || source.prepare) {
        this.dumpSocket = new NetlinkSocket({ protocol: source.protocol, netns, strictChecking, typeName, name: `${name} (listing)` });
      }
    } catch (err) {
      this.socket.close();
      throw err;
    }
    this.socket.onNotification = (m, nsid) => this.onMessage(m, nsid);
    this.socket.onOverrun = () => this.onOverrun('kernel');
    if (options.signal) {
      const signal = options.signal;
      this.signal = signal;
      this.onAbort = () => this.fail(signal.reason ?? new Error('aborted'));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (options.listExisting) this.startSync('initial');
    else if (source.prepare) this.startSync('prepare');
    else if (!this.resync) this.releaseDumpSocket();
  }

  /** True once closed (by break/return, close(), abort, or an error). */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Events waiting to be read. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SubscriptionEvent<E>, undefined>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as SubscriptionEvent<E>;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.error !== undefined && !this.errorDelivered) {
      this.errorDelivered = true;
      return Promise.reject(this.error);
    }
    if (this.closedFlag) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      // Referenced only while someone waits: an abandoned subscription never keeps the process up.
      this.socket.keepAlive(true);
    });
  }

  /** Ends the subscription (what `break` calls). */
  return(): Promise<IteratorResult<SubscriptionEvent<E>, undefined>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<SubscriptionEvent<E>, undefined>> {
    this.close();
    return Promise.reject(err);
  }

  /** Unsubscribe: close the sockets; pending next() calls resolve as done. Idempotent. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.sync?.abort.abort();
    this.sync = undefined;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    this.socket.close();
    this.releaseDumpSocket();
    this.queue = [];
    this.head = 0;
    for (const w of this.waiters.splice(0)) {
      if (this.error !== undefined && !this.errorDelivered) {
        this.errorDelivered = true;
        w.reject(this.error);
      } else {
        w.resolve({ value: undefined, done: true });
      }
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  // ---- internals ----

  private releaseDumpSocket(): void {
    this.dumpSocket?.close();
    this.dumpSocket = undefined;
  }

  private fail(err: unknown): void {
    if (this.closedFlag) return;
    this.error = err;
    this.close();
  }

  private emit(ev: SubscriptionEvent<E>): void {
    const w = this.waiters.shift();
    if (w) {
      if (!this.waiters.length) this.socket.keepAlive(false);
      w.resolve({ value: ev, done: false });
      return;
    }
    this.queue.push(ev);
  }

  private decodeAll(m: MessageRef, nsid: number | undefined): readonly Decoded<E>[] {
    const d = this.source.decode(m, nsid);
    if (!d) return [];
    const list = Array.isArray(d) ? (d as readonly Decoded<E>[]) : [d as Decoded<E>];
    if (nsid !== undefined) for (const x of list) x.event.nsid = nsid;
    return list;
  }

  private onMessage(m: MessageRef, nsid: number | undefined): void {
    if (this.closedFlag) return;
    if (m.type === NLMSG_NOOP && this.marker && m.seq === this.marker.seq && m.portId === this.marker.portId) {
      this.marker.reached();
      return;
    }
    if (m.type === NLMSG_DONE || m.type === NLMSG_ERROR || m.type === NLMSG_NOOP || m.type === NLMSG_OVERRUN) return;
    if (this.sync) {
      if (this.sync.buffer.length >= this.maxQueued) this.onOverrun('queue');
      // The overrun may have started a listing round (or be this change's predecessor in the
      // buffer): either way this change, which came after the loss, is kept.
      if (this.sync) {
        (this.sync as SyncRound).buffer.push({ m, nsid });
        return;
      }
    }
    let list: readonly Decoded<E>[];
    try {
      list = this.decodeAll(m, nsid);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const d of list) {
      if (this.pending >= this.maxQueued) {
        this.onOverrun('queue');
        if (this.sync) {
          (this.sync as SyncRound).buffer.push({ m, nsid });
          return;
        }
      }
      this.deliver(d);
    }
  }

  /**
   * Wait until every notification queued on the subscribed socket before now has been read.
   * A listing reflects changes whose notifications may still sit unread in that socket's queue
   * (a busy consumer reads it in slices); finishing before they are read would replay them
   * after the listing as duplicates. A datagram sent from the listing socket to the subscribed
   * one joins the same queue behind them: when it arrives, they have arrived. Sending to
   * another socket needs CAP_NET_ADMIN for NETLINK_ROUTE; without it the wait is skipped.
   */
  private async barrier(signal: AbortSignal): Promise<void> {
    const from = this.dumpSocket!;
    const seq = (this.markerSeq = (this.markerSeq + 1) >>> 0);
    const msg = Buffer.alloc(16);
    msg.writeUInt32LE(16, 0);
    msg.writeUInt16LE(NLMSG_NOOP, 4);
    msg.writeUInt32LE(seq, 8);
    msg.writeUInt32LE(from.portId, 12);
    const reached = new Promise<void>((resolve) => {
      this.marker = { seq, portId: from.portId, reached: resolve };
    });
    try {
      for (;;) {
        if (signal.aborted) throw signal.reason;
        try {
          loadNative().socketSendTo(from.fd, msg, this.socket.portId);
          break;
        } catch (err) {
          const e = err as { code?: string };
          // EAGAIN: the subscribed socket's queue is full; it drains as we read.
          if (e.code !== 'EAGAIN') return;
          await new Promise((r) => setTimeout(r, 1));
        }
      }
      let onAbort: (() => void) | undefined;
      await Promise.race([
        reached,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]).finally(() => signal.removeEventListener('abort', onAbort!));
    } finally {
      this.marker = undefined;
    }
  }

  private fullKey(d: Decoded<E>): string | undefined {
    return d.key === undefined ? undefined : `${d.event.nsid ?? ''}|${d.key}`;
  }

  /** Classify ('new' vs 'changed' for upserts), track the key, hand the event out. */
  private deliver(d: Decoded<E>): void {
    const k = this.fullKey(d);
    if (k !== undefined) {
      if (d.event.type === 'deleted') this.known.delete(k);
      else {
        if (d.upsert && d.event.type === 'new' && this.known.has(k)) d.event.type = 'changed';
        this.known.add(k);
      }
    }
    this.emit(d.event);
  }

  private onOverrun(source: 'kernel' | 'queue'): void {
    if (this.closedFlag) return;
    const round = this.sync;
    if (source === 'queue') {
      // What the consumer has not read (or what was held back) is dropped, as the kernel drops
      // what does not fit.
      this.queue = [];
      this.head = 0;
      if (round) round.buffer = [];
    }
    if (round && round.reason === 'prepare' && !this.resync) {
      // Nothing will be listed: the report goes out in order, after the changes held before it.
      round.buffer.push({ type: 'overrun', source, resync: false });
      return;
    }
    const relist = round !== undefined || this.resync;
    this.emit({ type: 'overrun', source, resync: relist });
    if (round) {
      // Whatever was listed or held may predate the loss: list again, from now on.
      if (round.reason === 'prepare') round.reason = 'resync';
      round.restart = true;
      round.buffer = [];
      round.abort.abort();
    } else if (this.resync) {
      this.startSync('resync');
    }
  }

  private startSync(reason: SyncRound['reason']): void {
    const round: SyncRound = { reason, buffer: [], restart: false, retried: 0, abort: new AbortController() };
    this.sync = round;
    this.runSync(round).catch((err) => this.fail(err));
  }

  private async runSync(round: SyncRound): Promise<void> {
    const gone = (): boolean => this.closedFlag || this.sync !== round;
    for (;;) {
      // The buffer is kept across restarts: changes since the round began stay valid (an
      // overrun, which loses some, empties it itself).
      round.restart = false;
      if (round.abort.signal.aborted) round.abort = new AbortController();
      const signal = round.abort.signal;
      const listed: Decoded<E>[] = [];
      try {
        // A prepare step that dumps is retried on NLM_F_DUMP_INTR as the dumps are.
        while (this.source.prepare) {
          try {
            await this.source.prepare(this.dumpSocket!, signal);
            break;
          } catch (err) {
            if (!(err instanceof DumpInterruptedError) || gone() || round.restart) throw err;
            round.retried++;
          }
        }
        if (round.reason !== 'prepare') {
          for (const dump of this.source.dumps!) {
            // An interrupted dump (NLM_F_DUMP_INTR: its table changed between two of its
            // datagrams) may have skipped objects: take that dump again, keep the others.
            for (;;) {
              const mark = listed.length;
              try {
                for await (const item of dump(this.dumpSocket!, signal)) {
                  if (gone() || round.restart) break;
                  const batch = Array.isArray(item) ? (item as readonly MessageRef[]) : [item as MessageRef];
                  for (const m of batch) for (const d of this.decodeAll(m, undefined)) listed.push(d);
                }
                break;
              } catch (err) {
                if (!(err instanceof DumpInterruptedError) || gone() || round.restart) throw err;
                listed.length = mark;
                round.retried++;
              }
            }
            if (gone() || round.restart) break;
          }
          if (!gone() && !round.restart) await this.barrier(signal);
        }
      } catch (err) {
        if (gone()) return;
        // Aborted by an overrun of the subscribed socket (which produced its event), or the
        // listing socket's own replies overflowed (no notification was lost): list again.
        if (!round.restart && !(err instanceof OverrunError)) throw err;
        round.restart = true;
      }
      if (gone()) return;
      if (round.restart) continue;
      this.sync = undefined;
      if (round.reason === 'prepare') {
        for (const item of round.buffer) {
          if ('type' in item) this.emit(item);
          else for (const d of this.decodeAll(item.m, item.nsid)) this.deliver(d);
        }
      } else {
        this.finishSync(round, listed);
      }
      if (!this.resync) this.releaseDumpSocket();
      return;
    }
  }

  /**
   * The listing is complete: hand it out, then the buffered changes it does not already show.
   *
   * For each object the listing shows one state of its history (or its absence). The buffered
   * changes to that object up to and including the last one whose outcome equals the listed
   * state are already reflected and dropped; the later ones are replayed in order. When no
   * buffered outcome equals the listed state, the listing predates them all and all replay.
   */
  private finishSync(round: SyncRound, listed: Decoded<E>[]): void {
    const listedState = new Map<string, string>();
    if (round.reason === 'resync') {
      for (const k of [...this.known]) if (k.startsWith('|')) this.known.delete(k);
    }
    for (const d of listed) {
      d.event.type = 'new';
      d.event.existing = true;
      const k = this.fullKey(d);
      if (k !== undefined) {
        listedState.set(k, d.state ?? '');
        this.known.add(k);
      }
      this.emit(d.event);
    }
    // Only a prepare round ever holds overruns, and this is a listing round.
    const buffer: Decoded<E>[] = [];
    for (const item of round.buffer as Held[]) for (const d of this.decodeAll(item.m, item.nsid)) buffer.push(d);
    const cut = new Map<string, number>();
    const deletedBefore = new Set<string>();
    for (let i = 0; i < buffer.length; i++) {
      const d = buffer[i]!;
      // Other namespaces are not listed: their changes always replay.
      if (d.event.nsid !== undefined) continue;
      const k = this.fullKey(d);
      if (k === undefined) continue;
      const after = d.event.type === 'deleted' ? ABSENT : (d.state ?? '');
      if (after === (listedState.get(k) ?? ABSENT)) cut.set(k, i);
      else if (d.event.type === 'new' && !d.upsert && listedState.has(k) && !deletedBefore.has(k)) {
        // The object's creation, with no deletion before it here: the listing, which shows
        // the object, came after it (an older object under the same key would have been
        // deleted first). A veth's peer is created before its partner exists and the listing
        // shows it linked: no notification ever carries that state, but the creation is
        // already in the listing all the same, and replaying it would announce it twice.
        if ((cut.get(k) ?? -1) < i) cut.set(k, i);
      }
      if (d.event.type === 'deleted') deletedBefore.add(k);
    }
    const replay: Decoded<E>[] = [];
    let dropped = 0;
    for (let i = 0; i < buffer.length; i++) {
      const d = buffer[i]!;
      const k = this.fullKey(d);
      if (k !== undefined && d.event.nsid === undefined && i <= (cut.get(k) ?? -1)) dropped++;
      else replay.push(d);
    }
    const reason = round.reason === 'initial' ? 'initial' : 'resync';
    this.emit({ type: 'synced', reason, listed: listed.length, replayed: replay.length, dropped, retried: round.retried });
    for (const d of replay) this.deliver(d);
  }
}

/** Subscribe: join the source's groups now and return the events as an async iterable. */
export function subscribe<E extends ChangeEvent>(source: SubscriptionSource<E>, options: SubscriptionOptions = {}): Subscription<E> {
  return new Subscription(source, options);
}
